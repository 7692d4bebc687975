import { migrations } from '../../migrations';
import { sha256Hex } from '../../src/common/crypto';
import { MIGRATION_LOCK_TABLE } from '../../src/database/migrations-runner';
import { createClient, createUser, STRONG_PASSWORD } from '../factories';
import { Browser } from '../helpers/browser';
import { ClientCredentials } from '../helpers/oauth';
import { ClusterDatabase, count, createClusterDatabase, Instance, startInstance } from './cluster';
import { authorize, callMe, clientPost, Code, redeem, refresh } from './http';

// TEST_GALERA_TRIALS parallel-redemption and parallel-refresh trials (1,000 by default), run
// TEST_GALERA_CONCURRENCY at a time.
const TRIALS = Number(process.env.TEST_GALERA_TRIALS ?? 1000);
const CONCURRENCY = Number(process.env.TEST_GALERA_CONCURRENCY ?? 4);
const PARALLEL = 20;

type Tokens = { access_token: string; refresh_token: string };

// Three instances, one per Galera node, started at once; every step alternates between them.
describe('Portcullis on a three-node Galera cluster', () => {
  let db: ClusterDatabase;
  let instances: Instance[];
  let urls: string[];
  let client: ClientCredentials;
  let resourceServer: ClientCredentials;
  let cookie: string;

  beforeAll(async () => {
    db = await createClusterDatabase();
    // At once: the three race for the migration lock on three different nodes.
    instances = await Promise.all(db.urls.map((url) => startInstance(url)));
    urls = instances.map((instance) => instance.baseUrl);
    await createUser(urls[0], { username: 'alice' }).expect(201);
    const { body } = await createClient(urls[1], {
      skip_consent: true,
      grant_types: ['authorization_code', 'refresh_token'],
    }).expect(201);
    client = { id: body.client_id, secret: body.client_secret };
    const rs = await createClient(urls[2], {
      grant_types: ['password', 'refresh_token'],
      redirect_uris: [],
      introspection_allowed: true,
    }).expect(201);
    resourceServer = { id: rs.body.client_id, secret: rs.body.client_secret };
    const browser = new Browser(urls[2]);
    await browser.signIn('alice', STRONG_PASSWORD);
    cookie = `portcullis=${browser.cookie}`;
  }, 120_000);

  afterAll(async () => {
    await Promise.all((instances ?? []).map((instance) => instance.stop()));
    await db?.drop();
  });

  const node = (i: number) => urls[i % urls.length];
  const tokensVia = async (issuer: number, redeemer: number): Promise<Tokens> => {
    const code = await authorize(node(issuer), cookie, client.id);
    const res = await redeem(node(redeemer), client, code);
    expect(res.status).toBe(200);
    return res.body as Tokens;
  };
  const liveHeads = (refreshToken: string) =>
    count(
      db.nodes[0],
      `SELECT COUNT(*) AS n FROM refresh_tokens r
         JOIN refresh_token_families f ON f.id = r.family_id
        WHERE r.family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ?)
          AND f.head_token_id = r.id AND f.revoked_at IS NULL AND r.revoked_at IS NULL`,
      [sha256Hex(refreshToken)],
    );

  it('should apply each migration once, with the three instances starting at once on three nodes', async () => {
    for (const connection of db.nodes) {
      await expect(count(connection, 'SELECT COUNT(*) AS n FROM migrations')).resolves.toBe(
        migrations.length,
      );
      await expect(
        count(connection, `SELECT COUNT(*) AS n FROM ${MIGRATION_LOCK_TABLE}`),
      ).resolves.toBe(0);
    }
  });

  it('should redeem on one node a code issued on another, and refresh on a third', async () => {
    for (let first = 0; first < 3; first++) {
      const tokens = await tokensVia(first, first + 1);
      const rotated = await refresh(node(first + 2), client, tokens.refresh_token);
      expect(rotated.status).toBe(200);
      expect(rotated.headers.get('cache-control')).toBe('no-store');
      for (let i = 0; i < 3; i++) {
        const me = await callMe(node(i), (rotated.body as Tokens).access_token);
        expect(me.status).toBe(200);
        expect(me.body).toMatchObject({ username: 'alice' });
      }
    }
  });

  it('should detect on one node the reuse of a refresh token rotated on another', async () => {
    for (let first = 0; first < 3; first++) {
      const tokens = await tokensVia(first, first);
      const rotated = await refresh(node(first + 1), client, tokens.refresh_token);
      expect(rotated.status).toBe(200);
      const successor = rotated.body as Tokens;
      // Past the reuse grace window (REFRESH_REUSE_GRACE), written on yet another node.
      await db.nodes[(first + 2) % 3].query(
        `UPDATE refresh_token_families SET rotated_at = '2000-01-01 00:00:00.000'
          WHERE id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ?)`,
        [sha256Hex(tokens.refresh_token)],
      );
      const reuse = await refresh(node(first + 2), client, tokens.refresh_token);
      expect(reuse.status).toBe(400);
      expect(reuse.body).toEqual({
        error: 'invalid_grant',
        error_description: 'the refresh token was already used; its grant has been revoked',
      });
      // The whole family is revoked, on every node, at once.
      const again = await refresh(node(first), client, successor.refresh_token);
      expect(again.status).toBe(400);
      expect(again.body).toEqual({
        error: 'invalid_grant',
        error_description: 'the refresh token is invalid or expired',
      });
      for (let i = 0; i < 3; i++) {
        expect((await callMe(node(i), successor.access_token)).status).toBe(401);
      }
    }
  });

  it('should refuse on every other node, at once, a token revoked on one', async () => {
    for (let round = 0; round < 30; round++) {
      const tokens = await tokensVia(round, round + 1);
      expect((await callMe(node(round + 2), tokens.access_token)).status).toBe(200);
      const revoked = await clientPost(node(round), '/oauth/revoke', client, {
        token: tokens.refresh_token,
      });
      expect(revoked.status).toBe(200);
      // No pause: the very next request, on each of the other nodes.
      for (const other of [round + 1, round + 2]) {
        const me = await callMe(node(other), tokens.access_token);
        expect(me.status).toBe(401);
        const introspection = await clientPost(node(other), '/oauth/introspect', resourceServer, {
          token: tokens.access_token,
        });
        expect(introspection.status).toBe(200);
        expect(introspection.body).toEqual({ active: false });
        expect((await refresh(node(other), client, tokens.refresh_token)).status).toBe(400);
      }
    }
  });

  it(
    `should never let two redemptions of one code, nor two refreshes of one token, win: ${TRIALS} trials of ${PARALLEL} parallel requests over three nodes`,
    async () => {
      const problems: string[] = [];
      const statuses = new Map<number, number>();
      const tally = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const started = Date.now();

      const codeTrial = async (trial: number) => {
        const code: Code = await authorize(node(trial), cookie, client.id);
        const results = await Promise.all(
          Array.from({ length: PARALLEL }, (_, i) => redeem(node(trial + i), client, code)),
        );
        results.forEach((res) => tally(res.status));
        const winners = results.filter((res) => res.status === 200);
        const losers = results.filter(
          (res) => res.status === 400 && res.body.error === 'invalid_grant',
        );
        if (winners.length !== 1 || losers.length !== PARALLEL - 1) {
          problems.push(
            `code trial ${trial}: ${results.map((res) => res.status).join(',')} ${JSON.stringify(results.find((res) => res.status !== 200 && res.status !== 400)?.body ?? '')}`,
          );
        }
      };

      const refreshTrial = async (trial: number) => {
        const tokens = await tokensVia(trial, trial + 1);
        const results = await Promise.all(
          Array.from({ length: PARALLEL }, (_, i) =>
            refresh(node(trial + i), client, tokens.refresh_token),
          ),
        );
        results.forEach((res) => tally(res.status));
        const bad = results.filter(
          (res) =>
            res.status !== 200 && !(res.status === 400 && res.body.error === 'invalid_grant'),
        );
        const issued = results
          .filter((res) => res.status === 200)
          .map((res) => (res.body as Tokens).refresh_token);
        // Within the grace window a retry may get a successor too, but the family keeps exactly one
        // live head, and it is one of those issued.
        const heads = await liveHeads(tokens.refresh_token);
        const [[head]] = (await db.nodes[trial % 3].query(
          `SELECT r.token_hash AS hash FROM refresh_tokens r
             JOIN refresh_token_families f ON f.head_token_id = r.id
            WHERE f.id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ?)`,
          [sha256Hex(tokens.refresh_token)],
        )) as unknown as [{ hash: string }[]];
        if (
          bad.length > 0 ||
          issued.length < 1 ||
          heads !== 1 ||
          !issued.some((token) => sha256Hex(token) === head?.hash)
        ) {
          problems.push(
            `refresh trial ${trial}: ${results.map((res) => res.status).join(',')}, live heads ${heads}`,
          );
        }
      };

      let next = 0;
      const worker = async () => {
        while (next < TRIALS) {
          const trial = next++;
          await codeTrial(trial);
          await refreshTrial(trial);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(
        `cluster trials: ${TRIALS} x (${PARALLEL} redemptions + ${PARALLEL} refreshes) in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`,
      );
      expect(problems).toEqual([]);
      expect([...statuses.keys()].sort()).toEqual([200, 400]);
    },
    60 * 60_000,
  );
});
