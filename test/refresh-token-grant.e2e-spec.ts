import request from 'supertest';
import { createUser } from './factories';
import {
  callMe,
  clientPost,
  ClientCredentials,
  exchangeCode,
  expectOAuthError,
  expectTokenResponse,
  obtainCode,
  refresh,
  registerClient,
} from './helpers/oauth';
import { sha256Hex as hashOf } from '../src/common/crypto';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

type Tokens = { access_token: string; refresh_token: string; scope: string };

describe('token endpoint: refresh_token grant', () => {
  let t: TestApp;
  let client: ClientCredentials;
  let aliceId: string;

  beforeAll(async () => {
    t = await createTestApp();
    aliceId = (await createUser(t.server, { username: 'alice' }).expect(201)).body.id;
    client = await registerClient(t.server, { skip_consent: true });
  });
  afterAll(async () => {
    await t.close();
  });

  const signIn = async (as: ClientCredentials = client, username = 'alice'): Promise<Tokens> => {
    const issued = await obtainCode(t.server, { clientId: as.id, username });
    return (await exchangeCode(t.server, as, issued).expect(200)).body as Tokens;
  };
  const expectInvalidGrant = (res: request.Response, description: string) =>
    expectOAuthError(res, 400, 'invalid_grant', description);
  // Moves the first rotation of every token of the family back in time, past the grace window.
  const agePastGrace = () =>
    t.dataSource.query(
      `UPDATE refresh_token_families SET rotated_at = '2000-01-01 00:00:00.000' WHERE rotated_at IS NOT NULL`,
    );
  const liveTokenCount = async (familyOf: string) => {
    const rows: { n: number | string }[] = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM refresh_tokens r
       JOIN refresh_token_families f ON f.id = r.family_id
       WHERE r.family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = '${familyOf}')
         AND f.head_token_id = r.id AND f.revoked_at IS NULL AND r.revoked_at IS NULL`,
    );
    return Number(rows[0].n);
  };

  it('should rotate: a new access and refresh token, the same scope', async () => {
    const first = await signIn();
    const res = await refresh(t.server, client, first.refresh_token);
    expectTokenResponse(res, 'profile email');
    expect(res.body.refresh_token).not.toBe(first.refresh_token);
    await callMe(t.server, res.body.access_token).expect(200);
    await refresh(t.server, client, res.body.refresh_token).expect(200);
  });

  it('should narrow the scope of the new access token only, and never widen it', async () => {
    const first = await signIn();
    const narrowed = await refresh(t.server, client, first.refresh_token, { scope: 'email' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('email');
    await callMe(t.server, narrowed.body.access_token).expect(200, {
      sub: aliceId,
      username: 'alice',
    });
    // The refresh token still carries the original grant.
    const back = await refresh(t.server, client, narrowed.body.refresh_token);
    expect(back.body.scope).toBe('profile email');
    const wider = await refresh(t.server, client, back.body.refresh_token, {
      scope: 'email admin',
    });
    expect(wider.status).toBe(400);
    expect(wider.body).toEqual({
      error: 'invalid_scope',
      error_description: 'scope exceeds what was originally granted',
    });
    // A refused scope leaves the token usable.
    await refresh(t.server, client, back.body.refresh_token).expect(200);
  });

  it('should revoke the whole family when a rotated token comes back after the grace window', async () => {
    const first = await signIn();
    const second = (await refresh(t.server, client, first.refresh_token).expect(200)).body;
    await agePastGrace();
    expectInvalidGrant(
      await refresh(t.server, client, first.refresh_token),
      'the refresh token was already used; its grant has been revoked',
    );
    expectInvalidGrant(
      await refresh(t.server, client, second.refresh_token),
      'the refresh token is invalid or expired',
    );
    await callMe(t.server, second.access_token).expect(401);
    await callMe(t.server, first.access_token).expect(401);
  });

  it('should record the revocation of a reused grant in the audit trail', async () => {
    const first = await signIn();
    await refresh(t.server, client, first.refresh_token).expect(200);
    await agePastGrace();
    await refresh(t.server, client, first.refresh_token).expect(400);
    const [{ family_id: familyId }]: { family_id: string }[] = await t.dataSource.query(
      `SELECT family_id FROM refresh_tokens WHERE token_hash = '${hashOf(first.refresh_token)}'`,
    );
    const res = await request(t.server)
      .get(`/admin/audit?type=refresh_token.reused&user_id=${aliceId}`)
      .set(adminAuth)
      .expect(200);
    // The other reuse tests of this file leave events of their own grants.
    type Event = { details: { family_id?: string } | null };
    expect((res.body as Event[]).filter((event) => event.details?.family_id === familyId)).toEqual([
      {
        id: expect.any(String),
        type: 'refresh_token.reused',
        actor_type: 'client',
        actor_user_id: null,
        user_id: aliceId,
        client_id: client.id,
        ip: expect.any(String),
        details: { family_id: familyId },
        created_at: expect.any(String),
      },
    ]);
  });

  it('should give a retry within the grace window a new successor and retire the previous one', async () => {
    const first = await signIn();
    const lost = (await refresh(t.server, client, first.refresh_token).expect(200)).body;
    const retried = (await refresh(t.server, client, first.refresh_token).expect(200)).body;
    expect(retried.refresh_token).not.toBe(lost.refresh_token);
    expect(await liveTokenCount(hashOf(retried.refresh_token))).toBe(1);
    await refresh(t.server, client, retried.refresh_token).expect(200);
  });

  it('should revoke the family when the retired successor is presented', async () => {
    const first = await signIn();
    const lost = (await refresh(t.server, client, first.refresh_token).expect(200)).body;
    const retried = (await refresh(t.server, client, first.refresh_token).expect(200)).body;
    expectInvalidGrant(
      await refresh(t.server, client, lost.refresh_token),
      'the refresh token was already used; its grant has been revoked',
    );
    expectInvalidGrant(
      await refresh(t.server, client, retried.refresh_token),
      'the refresh token is invalid or expired',
    );
  });

  it('should detect reuse before judging the requested scope', async () => {
    const first = await signIn();
    const second = (await refresh(t.server, client, first.refresh_token).expect(200)).body;
    await agePastGrace();
    expectInvalidGrant(
      await refresh(t.server, client, first.refresh_token, { scope: 'payments' }),
      'the refresh token was already used; its grant has been revoked',
    );
    await refresh(t.server, client, second.refresh_token).expect(400);
  });

  it('should treat a token two rotations old as reuse even within the grace window', async () => {
    const first = await signIn();
    const second = (await refresh(t.server, client, first.refresh_token).expect(200)).body;
    await refresh(t.server, client, second.refresh_token).expect(200);
    expectInvalidGrant(
      await refresh(t.server, client, first.refresh_token),
      'the refresh token was already used; its grant has been revoked',
    );
  });

  it("should refuse another client's refresh token without touching its grant", async () => {
    const other = await registerClient(t.server, { skip_consent: true });
    const tokens = await signIn();
    expectInvalidGrant(
      await refresh(t.server, other, tokens.refresh_token),
      'the refresh token is invalid',
    );
    await refresh(t.server, client, tokens.refresh_token).expect(200);
  });

  it.each([
    ['an unknown token', 'x'.repeat(43)],
    ['an access token', 'ACCESS'],
  ])('should answer invalid_grant for %s', async (_name, value) => {
    const tokens = await signIn();
    const presented = value === 'ACCESS' ? tokens.access_token : value;
    expectInvalidGrant(await refresh(t.server, client, presented), 'the refresh token is invalid');
  });

  it('should refuse a refresh token past the family lifetime', async () => {
    const tokens = await signIn();
    await t.dataSource.query(
      `UPDATE refresh_tokens SET expires_at = '2000-01-01 00:00:00.000' WHERE token_hash = '${hashOf(tokens.refresh_token)}'`,
    );
    expectInvalidGrant(
      await refresh(t.server, client, tokens.refresh_token),
      'the refresh token is invalid or expired',
    );
  });

  it('should keep the absolute lifetime of the first token through rotations', async () => {
    const first = await signIn();
    const second = (await refresh(t.server, client, first.refresh_token).expect(200)).body;
    const rows: { expires_at: string | Date }[] = await t.dataSource.query(
      `SELECT expires_at FROM refresh_tokens WHERE token_hash IN ('${hashOf(first.refresh_token)}', '${hashOf(second.refresh_token)}')`,
    );
    expect(rows).toHaveLength(2);
    expect(String(rows[0].expires_at)).toBe(String(rows[1].expires_at));
  });

  it('should kill every token of a disabled user, for good', async () => {
    const bobId = (await createUser(t.server, { username: 'bob' }).expect(201)).body.id;
    const tokens = await signIn(client, 'bob');
    const setEnabled = (enabled: boolean) =>
      request(t.server).patch(`/admin/users/${bobId}`).set(adminAuth).send({ enabled }).expect(200);
    await setEnabled(false);
    await callMe(t.server, tokens.access_token).expect(401);
    expectInvalidGrant(
      await refresh(t.server, client, tokens.refresh_token),
      'the refresh token is invalid or expired',
    );
    await setEnabled(true);
    await callMe(t.server, tokens.access_token).expect(401);
    expectInvalidGrant(
      await refresh(t.server, client, tokens.refresh_token),
      'the refresh token is invalid or expired',
    );
    const fresh = await signIn(client, 'bob');
    await callMe(t.server, fresh.access_token).expect(200);
  });

  it('should kill the tokens of a deleted client, and refuse those of a disabled one', async () => {
    const doomed = await registerClient(t.server, { skip_consent: true });
    const tokens = await signIn(doomed);
    await request(t.server)
      .patch(`/admin/clients/${doomed.id}`)
      .set(adminAuth)
      .send({ enabled: false })
      .expect(200);
    await callMe(t.server, tokens.access_token).expect(401);
    await request(t.server).delete(`/admin/clients/${doomed.id}`).set(adminAuth).expect(204);
    const rows: { n: number | string }[] = await t.dataSource.query(
      `SELECT (SELECT COUNT(*) FROM access_tokens WHERE client_id = '${doomed.id}') +
              (SELECT COUNT(*) FROM refresh_tokens WHERE client_id = '${doomed.id}') AS n`,
    );
    expect(Number(rows[0].n)).toBe(0);
  });

  it.each([1, 2, 3, 4, 5])(
    'should leave exactly one live refresh token after 20 parallel refreshes of one token (round %i)',
    async () => {
      const tokens = await signIn();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => refresh(t.server, client, tokens.refresh_token)),
      );
      for (const res of results) {
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) {
          expect(res.body.error).toBe('invalid_grant');
        }
      }
      const issued = results
        .filter((res) => res.status === 200)
        .map((res) => (res.body as Tokens).refresh_token);
      expect(issued.length).toBeGreaterThanOrEqual(1);
      const live = [];
      for (const token of issued) {
        live.push(await liveTokenCount(hashOf(token)));
      }
      // Every issued token belongs to the one family, which has exactly one live token...
      expect(new Set(live)).toEqual(new Set([1]));
      // ...and it is one of those issued, which still works.
      const [{ head }] = await t.dataSource.query(
        `SELECT r.token_hash AS head FROM refresh_tokens r JOIN refresh_token_families f ON f.head_token_id = r.id
         WHERE f.id = (SELECT family_id FROM refresh_tokens WHERE token_hash = '${hashOf(tokens.refresh_token)}')`,
      );
      const winner = issued.find((token) => hashOf(token) === head);
      expect(winner).toBeDefined();
      await refresh(t.server, client, winner as string).expect(200);
    },
  );
});

describe('token endpoint: refresh_token grant with an idle expiry (REFRESH_TOKEN_IDLE_TTL)', () => {
  let t: TestApp;
  let client: ClientCredentials;

  beforeAll(async () => {
    t = await createTestApp({ REFRESH_TOKEN_IDLE_TTL: '3600' });
    await createUser(t.server, { username: 'alice' }).expect(201);
    client = await registerClient(t.server, { skip_consent: true });
  });
  afterAll(async () => {
    await t.close();
  });

  const signIn = async (): Promise<Tokens> => {
    const issued = await obtainCode(t.server, { clientId: client.id, username: 'alice' });
    return (await exchangeCode(t.server, client, issued).expect(200)).body as Tokens;
  };
  // Moves a token's issue (and its rotation, if any) an hour and a second back.
  const idle = async (token: string) => {
    await t.dataSource.query(
      `UPDATE refresh_tokens SET created_at = '2000-01-01 00:00:00.000'
       WHERE token_hash = '${hashOf(token)}'`,
    );
    await t.dataSource.query(
      `UPDATE refresh_token_families SET rotated_at = '2000-01-01 00:00:00.000'
       WHERE previous_token_id = (SELECT id FROM refresh_tokens WHERE token_hash = '${hashOf(token)}')`,
    );
  };
  const introspect = (token: string) =>
    clientPost(t.server, '/oauth/introspect', client, { token });

  it('should refresh a token used within the idle time, and each successor starts it again', async () => {
    const first = await signIn();
    const second = (await refresh(t.server, client, first.refresh_token).expect(200)).body;
    await idle(first.refresh_token);
    await refresh(t.server, client, second.refresh_token).expect(200);
  });

  it('should refuse a token left unused past the idle time, and introspection calls it inactive', async () => {
    const tokens = await signIn();
    await idle(tokens.refresh_token);
    expectOAuthError(
      await refresh(t.server, client, tokens.refresh_token),
      400,
      'invalid_grant',
      'the refresh token is invalid or expired',
    );
    const res = await introspect(tokens.refresh_token).expect(200);
    expect(res.body).toEqual({ active: false });
  });

  it('should still revoke the grant when an old rotated token comes back past the idle time', async () => {
    const first = await signIn();
    const second = (await refresh(t.server, client, first.refresh_token).expect(200)).body;
    await idle(first.refresh_token);
    expectOAuthError(
      await refresh(t.server, client, first.refresh_token),
      400,
      'invalid_grant',
      'the refresh token was already used; its grant has been revoked',
    );
    await callMe(t.server, second.access_token).expect(401);
  });
});
