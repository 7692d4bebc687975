import { DataSource } from 'typeorm';
import { validateEnv } from '../../src/config/env.validation';
import { createDataSource } from '../../src/database/data-source';
import { createClient, createUser, STRONG_PASSWORD } from '../factories';
import { Browser } from '../helpers/browser';
import { Acknowledged, grantProblems } from '../helpers/grant-integrity';
import { Sample, sleep, startLoad, statusCounts, waitFor } from '../helpers/load';
import { ClientCredentials } from '../helpers/oauth';
import { ClusterDatabase, createClusterDatabase, galera, Instance, startInstance } from './cluster';
import { Answer, authorize, callMe, redeem, refresh } from './http';

// Node faults need the cluster test/cluster/galera.sh started (CI's): the test kills node 3 and
// starts it again. Run this file alone (jest --runInBand): the other cluster file needs all nodes.
type Tokens = { access_token: string; refresh_token: string };

const outcome = (kind: string, res: Answer) => ({
  kind,
  status: res.status,
  retryAfter: res.headers.get('retry-after'),
  error: typeof res.body.error === 'string' ? res.body.error : undefined,
});

const unavailable = (sample: Sample) =>
  sample.status === 503 && sample.retryAfter === '5' && sample.error === 'temporarily_unavailable';

function open(url: string): Promise<DataSource> {
  return createDataSource(validateEnv({ DATABASE_URL: url }).DATABASE).initialize();
}

describe('faults on a three-node Galera cluster', () => {
  let db: ClusterDatabase;
  let instances: Instance[];
  let client: ClientCredentials;
  let cookie: string;

  beforeAll(async () => {
    db = await createClusterDatabase();
    instances = await Promise.all(
      db.urls.map((url) => startInstance(url, { REFRESH_REUSE_GRACE: '60' })),
    );
    await createUser(instances[0].baseUrl, { username: 'alice' }).expect(201);
    const { body } = await createClient(instances[1].baseUrl, {
      skip_consent: true,
      grant_types: ['authorization_code', 'refresh_token'],
    }).expect(201);
    client = { id: body.client_id, secret: body.client_secret };
    const browser = new Browser(instances[2].baseUrl);
    await browser.signIn('alice', STRONG_PASSWORD);
    cookie = `portcullis=${browser.cookie}`;
  }, 120_000);

  afterAll(async () => {
    await Promise.all((instances ?? []).map((instance) => instance.stop()));
    await db?.drop();
  });

  const tokensOn = async (base: string): Promise<Tokens> => {
    const res = await redeem(base, client, await authorize(base, cookie, client.id));
    if (res.status !== 200) {
      throw new Error(`no tokens: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body as Tokens;
  };

  it('should keep serving on the other nodes when a node is killed under load; the instance on it answers 503, then recovers when the node rejoins', async () => {
    const bases = instances.map((instance) => instance.baseUrl);
    // Four workers per instance: two read (GET /api/me), two rotate their own refresh token.
    const chains = await Promise.all(
      Array.from({ length: 12 }, (_, worker) => tokensOn(bases[Math.floor(worker / 4)])),
    );
    const acknowledged: Acknowledged = {
      accessTokens: chains.map((chain) => chain.access_token),
      refreshTokens: chains.map((chain) => chain.refresh_token),
    };
    const load = startLoad(12, async (worker) => {
      const base = bases[Math.floor(worker / 4)];
      const kind = `${Math.floor(worker / 4)}:${worker % 2 === 0 ? 'me' : 'refresh'}`;
      if (worker % 2 === 0) {
        return { ...outcome('me', await callMe(base, chains[worker].access_token)), kind };
      }
      const res = await refresh(base, client, chains[worker].refresh_token);
      if (res.status === 200) {
        chains[worker] = res.body as Tokens;
        acknowledged.accessTokens.push(chains[worker].access_token);
        acknowledged.refreshTokens.push(chains[worker].refresh_token);
      }
      return { ...outcome('refresh', res), kind };
    });
    await sleep(1500);
    const killedAt = Date.now();
    await galera('kill-node', '3');
    await sleep(6000);
    const restartedAt = Date.now();
    await galera('start-node', '3');
    const rejoinedAt = Date.now();
    const recoveredAfter = await waitFor(
      async () =>
        (await fetch(`${bases[2]}/health/ready`)).status === 200 &&
        (await callMe(bases[2], chains[8].access_token)).status === 200,
      30_000,
      'the instance on node 3 serving again',
    );
    await sleep(2000);
    const samples = await load.stop();

    const on = (node: number, from: number, to = Infinity) =>
      samples.filter(
        (sample) =>
          sample.kind.startsWith(`${node}:`) && sample.startedAt >= from && sample.startedAt < to,
      );
    const summary = [0, 1, 2].map(
      (node) =>
        `instance ${node + 1}: while node 3 was down ${JSON.stringify(statusCounts(on(node, killedAt, restartedAt)))}, ` +
        `slowest ${Math.max(...on(node, 0).map((s) => s.ms))} ms`,
    );
    process.stdout.write(
      `node 3 killed for ${restartedAt - killedAt} ms, rejoined in ${rejoinedAt - restartedAt} ms, ` +
        `instance 3 serving ${recoveredAfter} ms later; ${summary.join('; ')}\n`,
    );
    // The instances on nodes 1 and 2 answered everything, without an error.
    for (const node of [0, 1]) {
      const all = on(node, 0);
      expect(statusCounts(all)).toEqual({ 200: all.length });
      expect(on(node, killedAt, restartedAt).length).toBeGreaterThan(20);
    }
    // The instance on the dead node answered 503 with Retry-After (never 500, never a hang) ...
    const third = on(2, 0);
    expect(third.filter((sample) => sample.status !== 200 && !unavailable(sample))).toEqual([]);
    expect(on(2, killedAt + 500, restartedAt).filter(unavailable).length).toBeGreaterThan(10);
    expect(Math.max(...third.map((sample) => sample.ms))).toBeLessThan(10_000);
    // ... and the same process serves again once the node is back.
    const afterwards = on(2, rejoinedAt + recoveredAfter + 500);
    expect(afterwards.length).toBeGreaterThan(10);
    expect(statusCounts(afterwards)).toEqual({ 200: afterwards.length });
    expect(instances[2].child.exitCode).toBeNull();
    // Nothing acknowledged was lost, on any node (the rejoined one included).
    for (const url of db.urls) {
      const dataSource = await open(url);
      try {
        expect(await grantProblems(dataSource, acknowledged)).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    }
    for (const [worker, chain] of chains.entries()) {
      expect((await refresh(bases[worker % 3], client, chain.refresh_token)).status).toBe(200);
    }
  }, 180_000);

  it('should leave no grant half-written on any node when an instance is killed (SIGKILL) mid-grant', async () => {
    const victim = instances[0];
    const chains = await Promise.all([0, 1, 2, 3, 4, 5].map(() => tokensOn(victim.baseUrl)));
    const acknowledged: Acknowledged = {
      accessTokens: chains.map((chain) => chain.access_token),
      refreshTokens: chains.map((chain) => chain.refresh_token),
    };
    const load = startLoad(10, async (worker) => {
      const res =
        worker < 6
          ? await refresh(victim.baseUrl, client, chains[worker].refresh_token)
          : await redeem(
              victim.baseUrl,
              client,
              await authorize(victim.baseUrl, cookie, client.id),
            );
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
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const samples = await load.stop();
    const answered = samples.filter((sample) => sample.status !== 0);
    expect(statusCounts(answered)).toEqual({ 200: answered.length });
    for (const url of db.urls) {
      const dataSource = await open(url);
      try {
        expect(await grantProblems(dataSource, acknowledged)).toEqual([]);
      } finally {
        await dataSource.destroy();
      }
    }
    // The other instances carry on with every chain.
    for (const [worker, chain] of chains.entries()) {
      const base = instances[1 + (worker % 2)].baseUrl;
      expect((await refresh(base, client, chain.refresh_token)).status).toBe(200);
    }
    instances[0] = await startInstance(db.urls[0], { REFRESH_REUSE_GRACE: '60' });
  }, 120_000);
});
