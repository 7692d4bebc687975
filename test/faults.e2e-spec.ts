import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { DataSource } from 'typeorm';
import { validateEnv } from '../src/config/env.validation';
import { createDataSource } from '../src/database/data-source';
import { Instance, startInstance } from './cluster/cluster';
import { Answer, authorize, callMe, redeem, refresh } from './cluster/http';
import { createClient, createUser, STRONG_PASSWORD } from './factories';
import { Browser } from './helpers/browser';
import { grantProblems } from './helpers/grant-integrity';
import { Sample, sleep, startLoad, statusCounts, waitFor } from './helpers/load';
import { ClientCredentials } from './helpers/oauth';
import { TcpProxy } from './helpers/tcp-proxy';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

// The longest any request may take while the database is gone: it answers 503 at once when the
// database refuses connections, and the driver gives up on one that does not answer in 10 s.
const REQUEST_BOUND_MS = 10_000;
// main.ts: SIGTERM drains for at most 10 s, then the process exits.
const DRAIN_BOUND_MS = 10_000;

type Tokens = { access_token: string; refresh_token: string };

type Setup = { client: ClientCredentials; cookie: string };

async function prepare(baseUrl: string): Promise<Setup> {
  await createUser(baseUrl, { username: 'alice' }).expect(201);
  const { body } = await createClient(baseUrl, {
    skip_consent: true,
    grant_types: ['authorization_code', 'refresh_token', 'password'],
  }).expect(201);
  const browser = new Browser(baseUrl);
  await browser.signIn('alice', STRONG_PASSWORD);
  return {
    client: { id: body.client_id, secret: body.client_secret },
    cookie: `portcullis=${browser.cookie}`,
  };
}

async function tokens(baseUrl: string, { client, cookie }: Setup): Promise<Tokens> {
  const res = await redeem(baseUrl, client, await authorize(baseUrl, cookie, client.id));
  if (res.status !== 200) {
    throw new Error(`no tokens: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as Tokens;
}

const outcome = (kind: string, res: Answer) => ({
  kind,
  status: res.status,
  retryAfter: res.headers.get('retry-after'),
  error: typeof res.body.error === 'string' ? res.body.error : undefined,
});

function open(url: string): Promise<DataSource> {
  return createDataSource(validateEnv({ DATABASE_URL: url }).DATABASE).initialize();
}

// Unavailable answers are 503 temporarily_unavailable with Retry-After (RFC 6749 JSON on the token
// endpoint, RFC 6750 JSON on the protected API).
function expectOnlyOkOrUnavailable(samples: Sample[]) {
  const unexpected = samples.filter(
    (sample) =>
      !(sample.status === 200) &&
      !(
        sample.status === 503 &&
        sample.retryAfter === '5' &&
        sample.error === 'temporarily_unavailable'
      ),
  );
  expect(unexpected.slice(0, 5)).toEqual([]);
}

// A refresh request on a connection of its own, sent up to the middle of its body; finish() sends
// the rest.
function heldRequest(port: number, client: ClientCredentials, refreshToken: string) {
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  }).toString();
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/oauth/token',
    agent: false,
    auth: `${client.id}:${client.secret}`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': Buffer.byteLength(body),
    },
  });
  const half = Math.floor(body.length / 2);
  const started = new Promise<void>((resolve) =>
    req.on('socket', (socket) => socket.on('connect', () => resolve())),
  );
  req.flushHeaders();
  req.write(body.slice(0, half));
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
  });
  return { started, answer, finish: () => req.end(body.slice(half)) };
}

function refused(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('faults', () => {
  let database: TestDatabase;
  let instance: Instance | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    if (instance && instance.child.exitCode === null && instance.child.signalCode === null) {
      await instance.stop();
    }
    instance = undefined;
    await database.drop();
  });

  it('should leave no grant half-written when the process is killed (SIGKILL) in the middle of grants', async () => {
    instance = await startInstance(database.url, { REFRESH_REUSE_GRACE: '60' });
    const base = instance.baseUrl;
    const setup = await prepare(base);
    const chains = await Promise.all([0, 1, 2, 3, 4, 5].map(() => tokens(base, setup)));
    const acknowledged = {
      accessTokens: chains.map((chain) => chain.access_token),
      refreshTokens: chains.map((chain) => chain.refresh_token),
    };
    // Workers 0-5 rotate their own refresh token, 6-9 run authorization-code grants.
    const load = startLoad(10, async (worker) => {
      const res =
        worker < 6
          ? await refresh(base, setup.client, chains[worker].refresh_token)
          : await redeem(base, setup.client, await authorize(base, setup.cookie, setup.client.id));
      if (res.status === 200) {
        const issued = res.body as Tokens;
        acknowledged.accessTokens.push(issued.access_token);
        acknowledged.refreshTokens.push(issued.refresh_token);
        if (worker < 6) {
          chains[worker] = issued;
        }
      }
      return outcome(worker < 6 ? 'refresh' : 'code', res);
    });
    await waitFor(() => Promise.resolve(load.samples.length >= 60), 30_000, 'grants under way');
    instance.child.kill('SIGKILL');
    const exit = await instance.exited;
    const samples = await load.stop();
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    const answered = samples.filter((sample) => sample.status !== 0);
    // Everything answered before the kill was a success; the rest got no answer at all.
    expect(statusCounts(answered)).toEqual({ 200: answered.length });
    expect(answered.length).toBeGreaterThanOrEqual(60);

    const dataSource = await open(database.url);
    try {
      expect(await grantProblems(dataSource, acknowledged)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
    // Nothing acknowledged was lost: on a new process, every chain's last token still rotates.
    instance = await startInstance(database.url, { REFRESH_REUSE_GRACE: '60' });
    for (const chain of chains) {
      const res = await refresh(instance.baseUrl, setup.client, chain.refresh_token);
      expect(res.status).toBe(200);
      expect((await callMe(instance.baseUrl, (res.body as Tokens).access_token)).status).toBe(200);
    }
  }, 120_000);

  it(`should drain on SIGTERM: requests in flight finish, new connections are refused, exit 0 within ${DRAIN_BOUND_MS} ms`, async () => {
    instance = await startInstance(database.url);
    const base = instance.baseUrl;
    const setup = await prepare(base);
    const port = Number(new URL(base).port);
    const chains = await Promise.all(Array.from({ length: 12 }, () => tokens(base, setup)));
    // Twelve refresh requests in flight: their headers are in, half of each body is sent, and the
    // rest follows only once the server is draining.
    const held = chains.map((chain) => heldRequest(port, setup.client, chain.refresh_token));
    await Promise.all(held.map((request) => request.started));
    await sleep(200);
    const signalledAt = Date.now();
    instance.child.kill('SIGTERM');
    await waitFor(() => refused(port), DRAIN_BOUND_MS, 'new connections refused');
    held.forEach((request) => request.finish());
    const answers = await Promise.all(held.map((request) => request.answer));
    const exit = await instance.exited;
    const exitedAt = Date.now();

    expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAt - signalledAt).toBeLessThan(DRAIN_BOUND_MS);
    // What they were given is stored: the pool closed after the last commit, not before.
    const dataSource = await open(database.url);
    try {
      const given = answers.map((answer) => JSON.parse(answer.body) as Tokens);
      expect(
        await grantProblems(dataSource, {
          accessTokens: given.map((t) => t.access_token),
          refreshTokens: given.map((t) => t.refresh_token),
        }),
      ).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  }, 60_000);

  // SQLite is a file: it cannot go away while the process runs. A MySQL server can; it is reached
  // here through a proxy the test cuts (the shared server itself keeps running).
  if (process.env.TEST_DB_ENGINE !== 'mysql') {
    return;
  }

  it(`should answer 503 with Retry-After (never 500, none slower than ${REQUEST_BOUND_MS} ms) while the database is gone, and recover without a restart`, async () => {
    const server = new URL(process.env.TEST_MYSQL_URL as string);
    const proxy = new TcpProxy(server.hostname, Number(server.port || 3306));
    await proxy.start();
    try {
      const viaProxy = new URL(database.url);
      viaProxy.port = String(proxy.port);
      // A rotation whose answer was lost in the cut is retried within the grace window.
      instance = await startInstance(viaProxy.toString(), { REFRESH_REUSE_GRACE: '60' });
      const base = instance.baseUrl;
      const setup = await prepare(base);
      const chains = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(() => tokens(base, setup)));
      // Even workers read (GET /api/me), odd ones rotate their refresh token.
      const load = startLoad(8, async (worker) => {
        if (worker % 2 === 0) {
          return outcome('me', await callMe(base, chains[worker].access_token));
        }
        const res = await refresh(base, setup.client, chains[worker].refresh_token);
        if (res.status === 200) {
          chains[worker] = res.body as Tokens;
        }
        return outcome('refresh', res);
      });
      await sleep(1500);
      const cutAt = Date.now();
      await proxy.cut();
      await sleep(5000);
      await proxy.restore();
      const restoredAt = Date.now();
      const recoveredAfter = await waitFor(
        async () => (await fetch(`${base}/health/ready`)).status === 200,
        15_000,
        'ready again',
      );
      await sleep(1500);
      const samples = await load.stop();

      const before = samples.filter((sample) => sample.startedAt + sample.ms < cutAt);
      const during = samples.filter(
        (sample) => sample.startedAt >= cutAt && sample.startedAt < restoredAt,
      );
      const after = samples.filter(
        (sample) => sample.startedAt > restoredAt + recoveredAfter + 500,
      );
      process.stdout.write(
        `database cut for ${restoredAt - cutAt} ms: before ${JSON.stringify(statusCounts(before))}, ` +
          `during ${JSON.stringify(statusCounts(during))}, after ${JSON.stringify(statusCounts(after))}; ` +
          `ready ${recoveredAfter} ms after restore; slowest ${Math.max(...samples.map((s) => s.ms))} ms\n`,
      );
      expectOnlyOkOrUnavailable(samples);
      expect(statusCounts(before)).toEqual({ 200: before.length });
      expect(during.filter((sample) => sample.status === 503).length).toBeGreaterThan(10);
      expect(after.length).toBeGreaterThan(20);
      expect(statusCounts(after)).toEqual({ 200: after.length });
      expect(Math.max(...samples.map((sample) => sample.ms))).toBeLessThan(REQUEST_BOUND_MS);
      // The same process, never restarted.
      expect(instance.child.exitCode).toBeNull();
      // Nothing acknowledged was lost: every chain's last token still rotates.
      for (const chain of chains) {
        expect((await refresh(base, setup.client, chain.refresh_token)).status).toBe(200);
      }
    } finally {
      await instance?.stop();
      await proxy.stop();
    }
  }, 120_000);
});
