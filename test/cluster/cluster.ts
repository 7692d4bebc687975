import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection, createConnection } from 'mysql2/promise';
import { freePort } from '../helpers/processes';
import { ADMIN_API_KEY, SIGNING_KEYS_SECRET } from '../helpers/test-app';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const GALERA_SCRIPT = join(__dirname, 'galera.sh');

// The cluster suite runs when TEST_GALERA_URLS names the three nodes of a running Galera cluster
// (test/cluster/galera.sh start prints them): mysql://root:@127.0.0.1:3311,…:3312,…:3313.
export function galeraUrls(): string[] {
  const urls = (process.env.TEST_GALERA_URLS ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  if (urls.length !== 3) {
    throw new Error('TEST_GALERA_URLS must name the three nodes of the cluster, comma-separated');
  }
  return urls;
}

export type ClusterDatabase = {
  name: string;
  // The database's URL on each node, in node order.
  urls: string[];
  // A connection to each node, on the database (for checks made afterwards).
  nodes: Connection[];
  drop: () => Promise<void>;
};

// A fresh database (CREATE DATABASE is replicated to every node) and a connection to it per node.
export async function createClusterDatabase(): Promise<ClusterDatabase> {
  const servers = galeraUrls();
  const name = `portcullis_cluster_${randomBytes(6).toString('hex')}`;
  const admin = await createConnection({ uri: servers[0] });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const urls = servers.map((server) => {
    const url = new URL(server);
    url.pathname = `/${name}`;
    return url.toString();
  });
  const nodes = await Promise.all(urls.map((uri) => createConnection({ uri })));
  return {
    name,
    urls,
    nodes,
    drop: async () => {
      await Promise.all(nodes.map((node) => node.end().catch(() => undefined)));
      const again = await createConnection({ uri: servers[0] });
      await again.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await again.end();
    },
  };
}

export type Instance = {
  baseUrl: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  // SIGTERM, then waits for the exit.
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export function instanceEnv(databaseUrl: string, port: number, extra: Record<string, string> = {}) {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    ADMIN_API_KEY,
    SESSION_SECRET: 'test-session-secret-0123456789abcdef012345',
    SIGNING_KEYS_SECRET,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    ...extra,
  };
}

// Starts `node dist/src/main.js` on the database and waits until /health/ready answers 200.
export async function startInstance(
  databaseUrl: string,
  extra: Record<string, string> = {},
  port?: number,
): Promise<Instance> {
  const listen = port ?? (await freePort());
  const child = spawn(process.execPath, [MAIN], {
    env: instanceEnv(databaseUrl, listen, extra),
    cwd: ROOT,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = `http://127.0.0.1:${listen}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const ready = await fetch(`${baseUrl}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      return {
        baseUrl,
        child,
        output: () => output,
        exited,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`instance did not become ready:\n${output}`);
}

// Runs test/cluster/galera.sh (kill-node N, start-node N, status) on the cluster CI started.
export async function galera(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(GALERA_SCRIPT, args, { timeout: 180_000 });
  return stdout;
}

export async function count(
  node: Connection,
  sql: string,
  params: unknown[] = [],
): Promise<number> {
  const [rows] = await node.query(sql, params);
  return Number((rows as { n: number | string }[])[0].n);
}
