import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ADMIN_API_KEY, SIGNING_KEYS_SECRET } from './test-app';

// These tests run the built program (`npm test` builds it first), as an operator would.
const DIST = join(__dirname, '..', '..', 'dist', 'src');

export type CliResult = { status: number | null; stdout: string; stderr: string };

function baseEnv(databaseUrl: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    ADMIN_API_KEY,
    SESSION_SECRET: 'test-session-secret-0123456789abcdef012345',
    SIGNING_KEYS_SECRET,
    DATABASE_URL: databaseUrl,
    ...extra,
  };
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return { stdout: () => stdout, stderr: () => stderr };
}

export function runCli(
  args: string[],
  databaseUrl: string,
  { stdin, env = {} }: { stdin?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [join(DIST, 'cli.js'), ...args], {
    env: baseEnv(databaseUrl, env),
    cwd: join(__dirname, '..', '..'),
  });
  const output = collect(child);
  child.stdin.end(stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout: output.stdout(), stderr: output.stderr() }),
    );
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type ServerProcess = {
  baseUrl: string;
  output: () => string;
  stdout: () => string;
  stderr: () => string;
  stop: () => Promise<void>;
};

// Starts `node dist/src/main.js` and waits until /health/ready answers 200.
export function startServer(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  return startServerWith((port) => baseEnv(databaseUrl, { PORT: String(port), ...env }));
}

// As a newcomer starts it: in `cwd` (where .env and ./data/ are), with only PATH, PORT and `env`
// set (no NODE_ENV, no secrets).
export function startServerIn(
  cwd: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  return startServerWith((port) => ({ PATH: process.env.PATH, PORT: String(port), ...env }), cwd);
}

// `npm run cli` as a newcomer runs it, in `cwd`.
export function runCliIn(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [join(DIST, 'cli.js'), ...args], {
    env: { PATH: process.env.PATH, ...env },
    cwd,
  });
  const output = collect(child);
  child.stdin.end('');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({ status, stdout: output.stdout(), stderr: output.stderr() }),
    );
  });
}

async function startServerWith(
  envFor: (port: number) => NodeJS.ProcessEnv,
  cwd?: string,
): Promise<ServerProcess> {
  const port = await freePort();
  const env = envFor(port);
  const child = spawn(process.execPath, [join(DIST, 'main.js')], { env, cwd });
  const output = collect(child);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const baseUrl = `http://${env.HOST ?? '127.0.0.1'}:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const ready = await fetch(`${baseUrl}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      return {
        baseUrl,
        output: () => output.stdout() + output.stderr(),
        stdout: output.stdout,
        stderr: output.stderr,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become ready:\n${output.stdout()}${output.stderr()}`);
}
