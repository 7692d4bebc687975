// npm run bench: Portcullis (SQLite and MySQL) and oidc-provider side by side, with four ceilings,
// on this machine in one run. Closed loop: each worker sends its next request when the previous
// answer arrives. See docs/benchmarks.md for what is measured and the last results.
//
// Options: USAGE below (npm run bench -- --help).
//
// MySQL: a fresh database on BENCH_MYSQL_URL (default mysql://root:@127.0.0.1:3306), dropped after.
// --cluster: 1, 2 and 3 instances on one MySQL server, then on the three nodes of a Galera cluster
// (BENCH_GALERA_URLS, comma-separated; default: the one test/cluster/galera.sh starts, which this
// starts and stops itself when nothing answers there), instance i on node i.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem, type as osType, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { createScenarios as portcullisScenarios } from './portcullis-scenarios.mjs';
import { httpClient } from './http.mjs';

const require = createRequire(import.meta.url);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PEER_DIR = join(ROOT, 'bench', 'oidc-provider');
// One set of secrets for the run: instances that share a database must share them.
const ADMIN_API_KEY = randomBytes(32).toString('base64url');
const SESSION_SECRET = randomBytes(32).toString('base64url');
const SIGNING_KEYS_SECRET = randomBytes(32).toString('base64url');
const RESULTS_START = '<!-- results:start (written by npm run bench) -->';
const RESULTS_END = '<!-- results:end -->';
const CLUSTER_RESULTS = [
  '<!-- cluster-results:start (written by npm run bench -- --cluster) -->',
  '<!-- cluster-results:end -->',
];
const SCENARIOS = [
  'client_auth+refresh',
  'authorize+token',
  'password',
  'client_credentials',
  'introspect',
  'api_me_opaque',
  'api_me_jwt',
];

const USAGE = `usage: npm run bench -- [--workers 32] [--duration 10] [--warmup 2]
         [--engines sqlite,mysql] [--scenarios ${SCENARIOS.join(',')}]
         [--no-peer] [--no-write] [--no-ceilings] [--profile DIR] [--soak [--soak-minutes 10]]
       npm run bench -- --cluster [--workers 32] [--duration 10] [--scenarios a,b]
See docs/benchmarks.md.`;

const { values: args } = parseOptions({
  options: {
    workers: { type: 'string', default: '32' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    engines: { type: 'string', default: 'sqlite,mysql' },
    scenarios: { type: 'string', default: SCENARIOS.join(',') },
    'no-peer': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    'soak-minutes': { type: 'string', default: '10' },
    // Writes a V8 CPU profile of each Portcullis server to this directory (node --cpu-prof).
    profile: { type: 'string' },
    // Leaves the four ceilings out (for A/B runs of Portcullis alone; a written run needs them).
    'no-ceilings': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
if (args['no-ceilings'] && !args['no-write']) {
  fail('--no-ceilings needs --no-write: the results section shows the ceilings');
}

// parseArgs, with a usage line instead of a stack trace for an option it does not know.
function parseOptions(config) {
  try {
    return parseArgs(config);
  } catch (error) {
    fail(error.message);
  }
}

function fail(message) {
  console.error(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}
const workers = Number(args.workers);
const duration = Number(args.duration);
const warmup = Number(args.warmup);
const CLUSTER_SCENARIOS = ['introspect', 'client_auth+refresh', 'authorize+token'];
const selected = (
  args.cluster && !process.argv.some((arg) => arg.startsWith('--scenarios'))
    ? CLUSTER_SCENARIOS.join(',')
    : args.scenarios
).split(',');
const mysqlServer = process.env.BENCH_MYSQL_URL ?? 'mysql://root:@127.0.0.1:3306';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Starts a server process and resolves once `ready()` answers true; stop() ends it.
async function startProcess(name, command, argv, env, ready) {
  const child = spawn(command, argv, { env: { ...process.env, ...env }, cwd: ROOT });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await ready(output).catch(() => false)) {
      return { pid: child.pid, stop: () => (child.kill('SIGTERM'), exited) };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start:\n${output}`);
}

async function startPortcullis(databaseUrl) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = await startProcess(
    'Portcullis',
    process.execPath,
    [
      ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : []),
      join(ROOT, 'dist', 'src', 'main.js'),
    ],
    {
      NODE_ENV: 'development',
      PORT: String(port),
      ISSUER: baseUrl,
      DATABASE_URL: databaseUrl,
      ADMIN_API_KEY,
      SESSION_SECRET,
      SIGNING_KEYS_SECRET,
      LOG_LEVEL: 'warn',
      // The token endpoint's per-client limit would cap the benchmark's own load.
      TOKEN_RATE_LIMIT: '1000000000',
    },
    async () => (await fetch(`${baseUrl}/health/ready`)).ok,
  );
  return { ...server, baseUrl };
}

// Starts `node script ...scriptArgs` with PORT (and `env`) set, ready once it prints `READY `.
async function startReadyLine(name, script, scriptArgs = [], env = {}) {
  const port = await freePort();
  const server = await startProcess(
    name,
    process.execPath,
    [script, ...scriptArgs],
    { ...env, PORT: String(port) },
    (out) => Promise.resolve(out.includes('READY ')),
  );
  return { ...server, baseUrl: `http://127.0.0.1:${port}` };
}

// CPU time (user + system) a process (or several: the sum) has used so far, in ms; null where
// /proc is missing.
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
function cpuMilliseconds(pid) {
  if (Array.isArray(pid)) {
    const each = pid.map(cpuMilliseconds);
    return each.includes(null) ? null : each.reduce((a, b) => a + b, 0);
  }
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

// Runs `op` of every worker in a closed loop: `warmup` seconds unrecorded, then `seconds` recorded.
// With a server `pid`, also the server's CPU time per recorded operation: steadier than ops/s on a
// shared machine, as it does not count time spent waiting for the cores.
async function closedLoop(ops, seconds, pid) {
  const latencies = [];
  let errors = 0;
  let firstError;
  const run = async (op, until, record) => {
    while (Date.now() < until) {
      const started = process.hrtime.bigint();
      try {
        await op();
        if (record) {
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      } catch (error) {
        if (record) {
          errors++;
          firstError ??= error;
        }
      }
    }
  };
  const warmUntil = Date.now() + warmup * 1000;
  await Promise.all(ops.map((op) => run(op, warmUntil, false)));
  const started = Date.now();
  const cpuBefore = pid && cpuMilliseconds(pid);
  await Promise.all(ops.map((op) => run(op, started + seconds * 1000, true)));
  const elapsed = (Date.now() - started) / 1000;
  const cpuAfter = pid && cpuMilliseconds(pid);
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    opsPerSecond: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    errors,
    firstError: firstError?.message,
    cpuPerOp: cpuBefore && cpuAfter ? (cpuAfter - cpuBefore) / latencies.length : null,
  };
}

// `scenarios` may be a list of scenario sets (one per instance): worker w then runs on set
// w mod n, as worker floor(w / n) of that set.
async function measure(label, scenarios, name, pid) {
  const sets = [scenarios].flat();
  if (!sets[0][name]) {
    return null;
  }
  const ops = [];
  for (let worker = 0; worker < workers; worker++) {
    ops.push(await sets[worker % sets.length][name](Math.floor(worker / sets.length)));
  }
  const result = await closedLoop(ops, duration, pid);
  const error = result.errors ? ` (${result.errors} errors: ${result.firstError})` : '';
  const cpu = result.cpuPerOp === null ? '' : `  server CPU ${result.cpuPerOp.toFixed(2)} ms/op`;
  console.log(
    `${label.padEnd(24)} ${name.padEnd(20)} ${result.opsPerSecond.toFixed(0).padStart(7)} ops/s  p50 ${result.p50.toFixed(1)} ms  p99 ${result.p99.toFixed(1)} ms${cpu}${error}`,
  );
  return result;
}

// A server answering GET /api/me with a fixed JSON body: bare node:http (what any Node HTTP
// service can do here), or a NestJS app with that one route on the Express or the Fastify adapter
// (what the framework itself allows; Portcullis runs on Fastify).
async function fixedJsonCeiling(name, script, scriptArgs = []) {
  const server = await startReadyLine(name, join(ROOT, 'bench', script), scriptArgs);
  const http = httpClient(server.baseUrl);
  try {
    const op = async () => {
      const res = await http.send('GET', '/api/me');
      if (res.status !== 200) {
        throw new Error(`${name}: ${res.status}`);
      }
    };
    return await measure('ceiling', { [name]: () => op }, name, server.pid);
  } finally {
    await http.close();
    await server.stop();
  }
}

// argon2id verifications per second with the product's own parameters, as many at once as there
// are workers: what the password grant cannot exceed.
async function argonCeiling() {
  const { hashPassword, verifyPassword } = require(
    join(ROOT, 'dist', 'src', 'users', 'password.js'),
  );
  const hash = await hashPassword('lantern-orbit-velvet-42');
  const op = async () => {
    if (!(await verifyPassword(hash, 'lantern-orbit-velvet-42'))) {
      throw new Error('argon2 verify failed');
    }
  };
  return measure('ceiling', { argon2id: () => op }, 'argon2id');
}

async function mysqlDatabase() {
  const mysql = require('mysql2/promise');
  const name = `portcullis_bench_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: mysqlServer });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  const [[{ version }]] = await admin.query('SELECT VERSION() AS version');
  const url = new URL(mysqlServer);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    version,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

function sqliteDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-'));
  return {
    url: `sqlite:${join(dir, 'bench.sqlite')}`,
    version: `SQLite (better-sqlite3 ${require('better-sqlite3/package.json').version})`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function benchPortcullis(engine) {
  const database = engine === 'mysql' ? await mysqlDatabase() : sqliteDatabase();
  const server = await startPortcullis(database.url);
  const scenarios = await portcullisScenarios(server.baseUrl, { adminKey: ADMIN_API_KEY, workers });
  const results = {};
  try {
    for (const name of selected) {
      results[name] = await measure(`portcullis ${engine}`, scenarios, name, server.pid);
    }
  } finally {
    await scenarios.close();
    await server.stop();
    await database.drop();
  }
  return { results, version: database.version };
}

function ensurePeerInstalled() {
  // mysql2 came last: an older install lacks it.
  if (!existsSync(join(PEER_DIR, 'node_modules', 'mysql2'))) {
    console.log('Installing bench/oidc-provider (npm ci)…');
    execFileSync('npm', ['ci', '--silent', '--no-audit', '--no-fund'], {
      cwd: PEER_DIR,
      stdio: 'inherit',
    });
  }
}

// The peer with its in-memory adapter (the comparison the table's ratio is about), or, given a
// database, with bench/oidc-provider/mysql-adapter.mjs storing everything there (like for like).
async function benchPeer(database) {
  ensurePeerInstalled();
  const env = database ? { BENCH_ADAPTER: 'mysql', BENCH_ADAPTER_URL: database.url } : {};
  const server = await startReadyLine('oidc-provider', join(PEER_DIR, 'server.mjs'), [], env);
  const { createScenarios } = await import(join(PEER_DIR, 'scenarios.mjs'));
  const scenarios = await createScenarios(server.baseUrl);
  const results = {};
  try {
    for (const name of selected) {
      results[name] = await measure(
        `oidc-provider (${database ? 'mysql' : 'memory'})`,
        scenarios,
        name,
        server.pid,
      );
    }
  } finally {
    await scenarios.close?.();
    await server.stop();
    await database?.drop();
  }
  return results;
}

// A mixed load on MySQL for `minutes`: every worker cycles through the scenarios. The server's
// resident memory is sampled every 15 s; it must stay flat, and no request may fail.
async function soak(minutes) {
  const database = await mysqlDatabase();
  const server = await startPortcullis(database.url);
  const scenarios = await portcullisScenarios(server.baseUrl, { adminKey: ADMIN_API_KEY, workers });
  const rss = () =>
    Number(execFileSync('ps', ['-o', 'rss=', '-p', String(server.pid)]).toString()) / 1024;
  try {
    const ops = [];
    for (let worker = 0; worker < workers; worker++) {
      const name = SCENARIOS[worker % SCENARIOS.length];
      ops.push(await scenarios[name](worker));
    }
    const samples = [];
    const sampler = setInterval(() => samples.push(rss()), 15_000);
    const result = await closedLoop(ops, minutes * 60);
    clearInterval(sampler);
    // RSS saws up and down with garbage collection, so single samples say little: the median of
    // the first third of the settled window (after a quarter of the run) against that of its last
    // third tells a leak from the sawtooth.
    const settled = samples.slice(Math.floor(samples.length / 4));
    const third = Math.max(1, Math.floor(settled.length / 3));
    const early = median(settled.slice(0, third));
    const late = median(settled.slice(-third));
    console.log(
      `soak ${minutes} min, ${workers} workers: ${result.opsPerSecond.toFixed(0)} ops/s, ${result.errors} errors, ` +
        `p99 ${result.p99.toFixed(1)} ms, RSS ${samples.map((mb) => mb.toFixed(0)).join(' ')} MB, ` +
        `median RSS ${early.toFixed(0)} MB early, ${late.toFixed(0)} MB late`,
    );
    const growth = (late - early) / early;
    if (result.errors > 0 || growth > 0.2) {
      console.error(
        `soak failed: ${result.errors} errors${result.firstError ? ` (${result.firstError})` : ''}, ` +
          `memory grew ${(growth * 100).toFixed(0)}% after warm-up`,
      );
      process.exitCode = 1;
    }
  } finally {
    await scenarios.close();
    await server.stop();
    await database.drop();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function machine(mysqlVersion) {
  const cpu = cpus();
  return [
    `${cpu.length} × ${cpu[0].model.trim()}`,
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `${osType()} ${release()}`,
    `Node.js ${process.version}`,
    mysqlVersion ? `MySQL server: ${mysqlVersion}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

const fmt = (n) => (Number.isFinite(n) ? n.toFixed(n >= 100 ? 0 : 1) : '–');
const cpu = (result) => (Number.isFinite(result?.cpuPerOp) ? result.cpuPerOp.toFixed(2) : '–');
const ratioOf = (ours, theirs) =>
  ours && theirs ? `${(ours.opsPerSecond / theirs.opsPerSecond).toFixed(2)}×` : '–';

function table(engines, peer, ceilings) {
  const rows = [
    '| scenario | database | Portcullis ops/s | p50 ms | p99 ms | CPU ms/op | oidc-provider ops/s | p50 ms | p99 ms | CPU ms/op | ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const name of selected) {
    for (const [engine, { results }] of Object.entries(engines)) {
      const ours = results[name];
      const theirs = peer?.[name];
      const errors = ours?.errors ? ` (${ours.errors} errors)` : '';
      rows.push(
        `| ${name} | ${engine} | ${fmt(ours?.opsPerSecond)}${errors} | ${fmt(ours?.p50)} | ${fmt(ours?.p99)} | ${cpu(ours)} | ${fmt(theirs?.opsPerSecond)} | ${fmt(theirs?.p50)} | ${fmt(theirs?.p99)} | ${cpu(theirs)} | ${ratioOf(ours, theirs)} |`,
      );
    }
  }
  rows.push(
    '',
    '| ceiling | ops/s | p50 ms | p99 ms | CPU ms/op |',
    '| --- | ---: | ---: | ---: | ---: |',
  );
  for (const [name, result] of Object.entries(ceilings)) {
    rows.push(
      `| ${name} | ${fmt(result.opsPerSecond)} | ${fmt(result.p50)} | ${fmt(result.p99)} | ${cpu(result)} |`,
    );
  }
  return rows.join('\n');
}

// Portcullis on MySQL against oidc-provider storing in MySQL too.
function likeForLikeTable(ours, theirs) {
  const rows = [
    '| scenario | Portcullis on MySQL ops/s | CPU ms/op | oidc-provider on MySQL ops/s | p50 ms | p99 ms | CPU ms/op | ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const name of selected) {
    const [a, b] = [ours[name], theirs[name]];
    const errors = b?.errors ? ` (${b.errors} errors)` : '';
    rows.push(
      `| ${name} | ${fmt(a?.opsPerSecond)} | ${cpu(a)} | ${fmt(b?.opsPerSecond)}${errors} | ${fmt(b?.p50)} | ${fmt(b?.p99)} | ${cpu(b)} | ${ratioOf(a, b)} |`,
    );
  }
  return rows.join('\n');
}

// The Galera nodes to measure on; started here (and stopped after) when none answers.
async function galeraNodes() {
  const mysql = require('mysql2/promise');
  const urls = (
    process.env.BENCH_GALERA_URLS ??
    'mysql://root:@127.0.0.1:3311,mysql://root:@127.0.0.1:3312,mysql://root:@127.0.0.1:3313'
  ).split(',');
  const answers = async () => {
    try {
      const connection = await mysql.createConnection({ uri: urls[0], connectTimeout: 2000 });
      const [[{ size }]] = await connection.query(
        "SELECT VARIABLE_VALUE AS size FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_SIZE'",
      );
      const [[{ version }]] = await connection.query('SELECT VERSION() AS version');
      await connection.end();
      return { size: Number(size), version };
    } catch {
      return null;
    }
  };
  let state = await answers();
  let stop = async () => undefined;
  if (state === null && process.env.BENCH_GALERA_URLS === undefined) {
    const script = join(ROOT, 'test', 'cluster', 'galera.sh');
    console.log('Starting a three-node Galera cluster (test/cluster/galera.sh start)…');
    execFileSync(script, ['start'], { stdio: ['ignore', 'ignore', 'inherit'] });
    stop = async () => execFileSync(script, ['stop'], { stdio: ['ignore', 'ignore', 'inherit'] });
    state = await answers();
  }
  if (state === null || state.size < urls.length) {
    throw new Error(`no Galera cluster of ${urls.length} nodes answers at ${urls.join(', ')}`);
  }
  return { urls, version: state.version, stop };
}

// A fresh database on `server` (a mysql:// URL without a database); its URL on each of `servers`.
async function databaseOn(server, servers) {
  const mysql = require('mysql2/promise');
  const name = `portcullis_bench_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: server });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  return {
    urls: servers.map((each) => {
      const url = new URL(each);
      url.pathname = `/${name}`;
      return url.toString();
    }),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

// 1, 2 and 3 instances sharing one database: on one MySQL server, then one per Galera node. The
// workers are spread over the instances; CPU ms/op is that of all instances together.
async function benchCluster() {
  const loadBefore = loadavg()[0];
  const cluster = await galeraNodes();
  const setups = [];
  for (const count of [1, 2, 3]) {
    setups.push({ where: 'one server', count, servers: Array(count).fill(mysqlServer) });
  }
  for (const count of [1, 2, 3]) {
    setups.push({ where: 'Galera', count, servers: cluster.urls.slice(0, count) });
  }
  const rows = [];
  try {
    for (const setup of setups) {
      const database = await databaseOn(setup.servers[0], setup.servers);
      const instances = await Promise.all(database.urls.map((url) => startPortcullis(url)));
      const sets = [];
      for (const [index, instance] of instances.entries()) {
        sets.push(
          await portcullisScenarios(instance.baseUrl, {
            adminKey: ADMIN_API_KEY,
            workers: Math.ceil(workers / instances.length),
            users: `bench${index}`,
          }),
        );
      }
      try {
        for (const name of selected) {
          const label = `${setup.where} × ${setup.count}`;
          const pids = instances.map((instance) => instance.pid);
          rows.push({ ...setup, name, result: await measure(label, sets, name, pids) });
        }
      } finally {
        await Promise.all(sets.map((set) => set.close()));
        await Promise.all(instances.map((instance) => instance.stop()));
        await database.drop();
      }
    }
  } finally {
    await cluster.stop();
  }
  const lines = [
    '| scenario | database | instances | ops/s | p50 ms | p99 ms | CPU ms/op (instances) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const name of selected) {
    for (const row of rows.filter((each) => each.name === name)) {
      const errors = row.result?.errors ? ` (${row.result.errors} errors)` : '';
      lines.push(
        `| ${name} | ${row.where} | ${row.count} | ${fmt(row.result?.opsPerSecond)}${errors} | ${fmt(row.result?.p50)} | ${fmt(row.result?.p99)} | ${cpu(row.result)} |`,
      );
    }
  }
  const markdown = lines.join('\n');
  console.log(`\n${markdown}\n`);
  if (!args['no-write']) {
    writeResults(
      [
        `Run on ${new Date().toISOString().slice(0, 10)}: ${workers} workers spread over the instances, ${duration} s per scenario after ${warmup} s of warm-up.`,
        '',
        `Machine: ${machine(cluster.version)}; the three Galera nodes, the instances and the load driver all on it; load average ${loadBefore.toFixed(1)} before the run, ${loadavg()[0].toFixed(1)} after.`,
        '',
        markdown,
      ].join('\n'),
      CLUSTER_RESULTS,
    );
  }
}

async function measureCeilings() {
  return {
    'bare node:http (fixed JSON)': await fixedJsonCeiling('node:http', 'bare-server.mjs'),
    'NestJS + Express, one route (fixed JSON)': await fixedJsonCeiling(
      'NestJS+Express',
      'nest-server.mjs',
      ['express'],
    ),
    'NestJS + Fastify, one route (fixed JSON)': await fixedJsonCeiling(
      'NestJS+Fastify',
      'nest-server.mjs',
      ['fastify'],
    ),
    'argon2id verify': await argonCeiling(),
  };
}

async function main() {
  if (args.cluster) {
    await benchCluster();
    return;
  }
  if (args.soak) {
    await soak(Number(args['soak-minutes']));
    return;
  }
  const ceilings = args['no-ceilings'] ? {} : await measureCeilings();
  const engines = {};
  for (const engine of args.engines.split(',')) {
    engines[engine] = await benchPortcullis(engine);
  }
  const peer = args['no-peer'] ? null : await benchPeer();
  const peerOnMysql =
    args['no-peer'] || !engines.mysql ? null : await benchPeer(await mysqlDatabase());
  const markdown = [
    table(engines, peer, ceilings),
    ...(peerOnMysql ? ['', likeForLikeTable(engines.mysql.results, peerOnMysql)] : []),
  ].join('\n');
  console.log(`\n${markdown}\n`);
  if (!args['no-write']) {
    const results = [
      `Run on ${new Date().toISOString().slice(0, 10)}: ${workers} workers, ${duration} s per scenario after ${warmup} s of warm-up.`,
      '',
      `Machine: ${machine(engines.mysql?.version)}.`,
      '',
      markdown,
    ].join('\n');
    writeResults(results);
  }
}

// Replaces the results section of docs/benchmarks.md (between its markers); the rest of the page
// is prose kept by hand.
function writeResults(results, [startMarker, endMarker] = [RESULTS_START, RESULTS_END]) {
  const path = join(ROOT, 'docs', 'benchmarks.md');
  const page = readFileSync(path, 'utf8');
  const start = page.indexOf(startMarker);
  const end = page.indexOf(endMarker);
  if (start < 0 || end < start) {
    throw new Error(`${path} has no ${startMarker} … ${endMarker} section`);
  }
  writeFileSync(
    path,
    `${page.slice(0, start + startMarker.length)}\n\n${results}\n\n${page.slice(end)}`,
  );
  // Formatted as the repository's check expects.
  execFileSync(join(ROOT, 'node_modules', '.bin', 'prettier'), ['--write', path]);
  console.log(`Results written to ${path}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
