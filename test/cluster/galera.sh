#!/usr/bin/env bash
# A three-node MariaDB Galera cluster on loopback, for the cluster suite and the benchmark.
#
#   test/cluster/galera.sh start            # three nodes, bootstrapped from node 1; waits for size 3
#   test/cluster/galera.sh stop             # stops the nodes by their recorded process ids
#   test/cluster/galera.sh status           # each node's wsrep state and the cluster size
#   test/cluster/galera.sh kill-node N      # SIGKILL node N (a crashed database server)
#   test/cluster/galera.sh start-node N     # (re)starts node N; it rejoins by IST or SST
#   test/cluster/galera.sh urls             # mysql:// URLs of the three nodes, one a line
#
# Everything lives under $GALERA_DIR (default: a folder in the temporary directory): one data
# directory, configuration file, socket, log and pid file per node. Nodes listen on 127.0.0.1 only:
# SQL on $GALERA_SQL_PORT..+2 (default 3311-3313), group communication on $GALERA_GCOMM_PORT..+2
# (4567-4569), IST on +10 and SST on +20 of those. The machine's own MariaDB (3306, /etc/mysql) is
# never read or touched: every node runs with --defaults-file of its own. root has an empty password
# over TCP. SST is rsync when rsync is installed, mariabackup when that is, else mysqldump.
# wsrep_sync_wait is $GALERA_SYNC_WAIT (default 1: reads see every earlier commit of the cluster).
set -euo pipefail

DIR="${GALERA_DIR:-${TMPDIR:-/tmp}/portcullis-galera}"
SQL_PORT="${GALERA_SQL_PORT:-3311}"
GCOMM_PORT="${GALERA_GCOMM_PORT:-4567}"
START_TIMEOUT="${GALERA_START_TIMEOUT:-90}"
NODES=(1 2 3)

log() { printf '[galera] %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

provider() {
  local path
  for path in /usr/lib/galera/libgalera_smm.so /usr/lib/libgalera_smm.so \
    /usr/lib64/galera-4/libgalera_smm.so /usr/lib64/galera/libgalera_smm.so; do
    if [ -f "$path" ]; then
      echo "$path"
      return
    fi
  done
  if command -v dpkg >/dev/null; then
    path="$(dpkg -L galera-4 2>/dev/null | grep -m1 'libgalera_smm\.so$' || true)"
    [ -n "$path" ] && [ -f "$path" ] && {
      echo "$path"
      return
    }
  fi
  die "libgalera_smm.so not found (install galera-4)"
}

sst_method() {
  if command -v rsync >/dev/null; then
    echo rsync
  elif command -v mariabackup >/dev/null; then
    echo mariabackup
  else
    echo mysqldump
  fi
}

# As root, the nodes run as mysql (as the packaged server does): rsync's SST daemon, started by
# the joiner, would otherwise drop to nobody and be unable to write the data directory.
run_as() {
  if [ "$(id -u)" = 0 ] && id mysql >/dev/null 2>&1; then
    echo mysql
  else
    id -un
  fi
}

sql_port() { echo $((SQL_PORT + $1 - 1)); }
gcomm_port() { echo $((GCOMM_PORT + $1 - 1)); }
node_dir() { echo "$DIR/node$1"; }

client() {
  local node="$1"
  shift
  mariadb --no-defaults -uroot -h127.0.0.1 -P"$(sql_port "$node")" --connect-timeout=2 "$@"
}

node_pid() {
  local file
  file="$(node_dir "$1")/mariadbd.pid"
  [ -f "$file" ] && cat "$file"
}

node_running() {
  local pid
  pid="$(node_pid "$1" || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

cluster_address() {
  local node addresses=()
  for node in "${NODES[@]}"; do
    addresses+=("127.0.0.1:$(gcomm_port "$node")")
  done
  local IFS=,
  echo "gcomm://${addresses[*]}"
}

write_config() {
  local node="$1" dir user
  dir="$(node_dir "$node")"
  user="$(run_as)"
  cat >"$dir/my.cnf" <<EOF
[mysqld]
user=$user
datadir=$dir/data
socket=$dir/mariadbd.sock
pid-file=$dir/mariadbd.pid.server
log-error=$dir/error.log
port=$(sql_port "$node")
bind-address=127.0.0.1
skip-name-resolve=OFF
performance_schema=OFF
innodb_buffer_pool_size=64M
innodb_log_file_size=32M
innodb_flush_log_at_trx_commit=2
max_connections=300
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
wsrep_on=ON
wsrep_provider=$(provider)
wsrep_cluster_name=portcullis_test_$(gcomm_port 1)
wsrep_cluster_address=$(cluster_address)
wsrep_node_name=node$node
wsrep_node_address=127.0.0.1:$(gcomm_port "$node")
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$node");ist.recv_addr=127.0.0.1:$(($(gcomm_port "$node") + 10));gcache.size=64M;evs.inactive_timeout=PT6S;evs.suspect_timeout=PT3S"
wsrep_sst_method=$(sst_method)
wsrep_sst_receive_address=127.0.0.1:$(($(gcomm_port "$node") + 20))
wsrep_sst_auth=root:
wsrep_slave_threads=2
# What docs/deployment.md asks of a cluster Portcullis runs on: a table without a primary key is
# refused, and a read waits until this node has applied every commit the cluster made before it.
innodb_force_primary_key=ON
wsrep_sync_wait=${GALERA_SYNC_WAIT:-1}
[client]
user=root
EOF
}

init_node() {
  local node="$1" dir
  dir="$(node_dir "$node")"
  mkdir -p "$dir"
  write_config "$node"
  chown "$(run_as)" "$DIR" "$dir"
  if [ ! -d "$dir/data/mysql" ]; then
    mariadb-install-db --defaults-file="$dir/my.cnf" --auth-root-authentication-method=normal \
      --skip-test-db >"$dir/install.log" 2>&1 || {
      cat "$dir/install.log" >&2
      die "mariadb-install-db failed for node $node"
    }
  fi
}

wait_answers() {
  local node="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! node_running "$node"; then
      tail -n 40 "$(node_dir "$node")/error.log" >&2 || true
      die "node $node exited while starting (log: $(node_dir "$node")/error.log)"
    fi
    if [ "$(client "$node" -N -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2)" = Synced ]; then
      # The pid mariadbd wrote itself is the one to signal (should setsid ever have forked).
      cp "$(node_dir "$node")/mariadbd.pid.server" "$(node_dir "$node")/mariadbd.pid"
      return
    fi
    sleep 0.5
  done
  die "node $node not Synced after ${START_TIMEOUT}s (log: $(node_dir "$node")/error.log)"
}

# Starts one node in the background and records its pid (mariadbd itself, not a wrapper).
launch() {
  local node="$1" dir
  shift
  dir="$(node_dir "$node")"
  if node_running "$node"; then
    log "node $node already running (pid $(node_pid "$node"))"
    return
  fi
  if ss -ltn "( sport = :$(sql_port "$node") or sport = :$(gcomm_port "$node") )" | grep -q LISTEN; then
    die "port $(sql_port "$node") or $(gcomm_port "$node") is already in use"
  fi
  # setsid: the node must not die with the shell (or jest worker) that started it.
  setsid mariadbd --defaults-file="$dir/my.cnf" "$@" >>"$dir/stdout.log" 2>&1 </dev/null &
  echo $! >"$dir/mariadbd.pid"
  log "node $node: pid $! on 127.0.0.1:$(sql_port "$node")"
}

start_node() {
  local node="$1"
  init_node "$node"
  launch "$node"
  wait_answers "$node"
}

cluster_size() {
  client "$1" -N -e "SHOW STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null | cut -f2
}

start() {
  mkdir -p "$DIR"
  local node
  for node in "${NODES[@]}"; do
    init_node "$node"
  done
  # Node 1 forms a new cluster; its grastate says it may (a fresh or cleanly stopped data dir).
  sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$(node_dir 1)/data/grastate.dat" 2>/dev/null || true
  launch 1 --wsrep-new-cluster
  wait_answers 1
  # root over TCP from 127.0.0.1 whatever name resolution says (replicated to the joiners by SST).
  client 1 -e "CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL ON *.* TO root@'127.0.0.1' WITH GRANT OPTION;" 2>/dev/null || true
  for node in 2 3; do
    launch "$node"
    wait_answers "$node"
  done
  local deadline=$((SECONDS + START_TIMEOUT))
  while [ "$(cluster_size 1)" != 3 ]; do
    ((SECONDS < deadline)) || die "wsrep_cluster_size is $(cluster_size 1), not 3"
    sleep 0.5
  done
  log "cluster of 3 up ($(sst_method) SST) under $DIR"
  urls
}

stop_node() {
  local node="$1" pid
  pid="$(node_pid "$node" || true)"
  if [ -z "$pid" ]; then
    return
  fi
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        log "node $node (pid $pid) did not stop in 60 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      sleep 0.2
    done
  fi
  rm -f "$(node_dir "$node")/mariadbd.pid"
}

stop() {
  local node
  # The last node to stop is the one that may bootstrap next time (its grastate says so).
  for node in 3 2 1; do
    stop_node "$node"
  done
  log "stopped"
}

kill_node() {
  local node="$1" pid
  pid="$(node_pid "$node" || true)"
  [ -n "$pid" ] || die "node $node has no recorded pid"
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$(node_dir "$node")/mariadbd.pid"
  log "node $node (pid $pid) killed"
}

status() {
  local node
  for node in "${NODES[@]}"; do
    if node_running "$node"; then
      printf 'node %s pid %s port %s: %s, cluster size %s\n' "$node" "$(node_pid "$node")" \
        "$(sql_port "$node")" \
        "$(client "$node" -N -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2)" \
        "$(cluster_size "$node")"
    else
      printf 'node %s: not running\n' "$node"
    fi
  done
}

urls() {
  local node
  for node in "${NODES[@]}"; do
    echo "mysql://root:@127.0.0.1:$(sql_port "$node")"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  urls) urls ;;
  kill-node) kill_node "${2:?node number}" ;;
  start-node) start_node "${2:?node number}" ;;
  stop-node) stop_node "${2:?node number}" ;;
  clean)
    stop
    rm -rf "$DIR"
    ;;
  *)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
