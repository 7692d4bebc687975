import request from 'supertest';
import { createUser, STRONG_PASSWORD } from './factories';
import { authorizePath, Browser, pkcePair, redirectParams } from './helpers/browser';
import {
  CALLBACK,
  callMe,
  ClientCredentials,
  exchangeCode,
  expectOAuthError,
  expectTokenResponse,
  obtainCode,
  refresh,
  registerClient,
  tokenRequest,
  expectInvalidToken,
} from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const OTHER_CALLBACK = 'https://app.example.com/other';

describe('token endpoint: authorization_code grant', () => {
  let t: TestApp;
  let client: ClientCredentials;
  let aliceId: string;

  beforeAll(async () => {
    t = await createTestApp();
    aliceId = (
      await createUser(t.server, {
        username: 'alice',
        email: 'alice@example.com',
        name: 'Alice',
      }).expect(201)
    ).body.id;
    client = await registerClient(t.server, { skip_consent: true });
  });
  afterAll(async () => {
    await t.close();
  });

  const expectInvalidGrant = (
    res: { status: number; headers: object; body: unknown },
    description: string,
  ) => expectOAuthError(res, 400, 'invalid_grant', description);

  it('should issue a bearer access token, a refresh token and the scope for a valid code', async () => {
    const res = await exchangeCode(
      t.server,
      client,
      await obtainCode(t.server, { clientId: client.id }),
    );
    expectTokenResponse(res, 'profile email');
    await callMe(t.server, res.body.access_token).expect(200, {
      sub: aliceId,
      username: 'alice',
      email: 'alice@example.com',
      name: 'Alice',
    });
  });

  it('should store only hashes of the tokens it issues', async () => {
    const res = await exchangeCode(
      t.server,
      client,
      await obtainCode(t.server, { clientId: client.id }),
    );
    const dump = JSON.stringify([
      await t.dataSource.query('SELECT * FROM access_tokens'),
      await t.dataSource.query('SELECT * FROM refresh_tokens'),
    ]);
    expect(dump).not.toContain(res.body.access_token);
    expect(dump).not.toContain(res.body.refresh_token);
  });

  it('should leave out the refresh token when the client may not use the refresh_token grant', async () => {
    const noRefresh = await registerClient(t.server, {
      skip_consent: true,
      grant_types: ['authorization_code'],
    });
    const res = await exchangeCode(
      t.server,
      noRefresh,
      await obtainCode(t.server, { clientId: noRefresh.id, scope: 'profile' }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'profile',
    });
  });

  it('should answer invalid_grant and revoke the tokens of the first redemption when a code is used twice', async () => {
    const issued = await obtainCode(t.server, { clientId: client.id });
    const first = await exchangeCode(t.server, client, issued).expect(200);
    expectInvalidGrant(
      await exchangeCode(t.server, client, issued),
      'the authorization code was already used',
    );
    expectInvalidToken(await callMe(t.server, first.body.access_token));
    expectInvalidGrant(
      await refresh(t.server, client, first.body.refresh_token),
      'the refresh token is invalid or expired',
    );
  });

  it('should answer invalid_grant for an unknown code', async () => {
    expectInvalidGrant(
      await exchangeCode(t.server, client, { code: 'A'.repeat(43), verifier: 'v'.repeat(43) }),
      'the authorization code is invalid or expired',
    );
  });

  it('should answer invalid_grant and spend the code when it was issued to another client', async () => {
    const other = await registerClient(t.server, { skip_consent: true });
    const issued = await obtainCode(t.server, { clientId: client.id });
    expectInvalidGrant(
      await exchangeCode(t.server, other, issued),
      'the authorization code was issued to another client',
    );
    expectInvalidGrant(
      await exchangeCode(t.server, client, issued),
      'the authorization code was already used',
    );
  });

  it.each([
    [`${CALLBACK}/`, 'a trailing slash'],
    ['https://APP.example.com/callback', 'another case'],
    ['https://app.example.com:443/callback', 'the default port'],
    [OTHER_CALLBACK, 'another registered URI'],
  ])('should answer invalid_grant when redirect_uri is %s (%s)', async (redirectUri) => {
    const twoUris = await registerClient(t.server, {
      skip_consent: true,
      redirect_uris: [CALLBACK, OTHER_CALLBACK],
    });
    const issued = await obtainCode(t.server, { clientId: twoUris.id });
    expectInvalidGrant(
      await exchangeCode(t.server, twoUris, issued, { redirect_uri: redirectUri }),
      'redirect_uri does not match the authorization request',
    );
  });

  it('should require redirect_uri when the client has several registered URIs', async () => {
    const twoUris = await registerClient(t.server, {
      skip_consent: true,
      redirect_uris: [CALLBACK, OTHER_CALLBACK],
    });
    const issued = await obtainCode(t.server, { clientId: twoUris.id });
    expectInvalidGrant(
      await exchangeCode(t.server, twoUris, issued, { redirect_uri: '' }),
      'redirect_uri is required',
    );
  });

  // RFC 6749 §4.1.3: redirect_uri is required at the token endpoint if it was in the
  // authorization request, even when the client has a single registered URI.
  it('should answer invalid_grant when redirect_uri was sent at /authorize but left out at /token', async () => {
    const issued = await obtainCode(t.server, { clientId: client.id });
    expectInvalidGrant(
      await tokenRequest(t.server, client, {
        grant_type: 'authorization_code',
        code: issued.code,
        code_verifier: issued.verifier,
      }),
      'redirect_uri is required',
    );
  });

  it('should accept a missing redirect_uri when the authorization request left it out too', async () => {
    const browser = new Browser(t.server);
    await browser.signIn('alice', STRONG_PASSWORD);
    const { verifier, challenge } = pkcePair();
    const res = await browser.get(
      authorizePath({ client_id: client.id, code_challenge: challenge, state: 's' }),
    );
    const { code } = redirectParams(res);
    await tokenRequest(t.server, client, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
    }).expect(200);
  });

  it.each([
    [{ code_verifier: '' }, 'code_verifier is required'],
    [{ code_verifier: 'x'.repeat(43) }, 'code_verifier does not match the code_challenge'],
    [{ code_verifier: 'short' }, 'code_verifier does not match the code_challenge'],
  ])(
    'should answer invalid_grant and spend the code when PKCE fails (%o)',
    async (extra, description) => {
      const issued = await obtainCode(t.server, { clientId: client.id });
      expectInvalidGrant(await exchangeCode(t.server, client, issued, extra), description);
      expectInvalidGrant(
        await exchangeCode(t.server, client, issued),
        'the authorization code was already used',
      );
    },
  );

  it('should refuse a code_verifier for a code issued without a challenge', async () => {
    const legacy = await registerClient(t.server, {
      skip_consent: true,
      require_pkce: false,
    });
    const issued = await obtainCode(t.server, { clientId: legacy.id, pkce: false });
    expectInvalidGrant(
      await exchangeCode(t.server, legacy, issued),
      'code_verifier was sent, but the authorization request had no code_challenge',
    );
    const next = await obtainCode(t.server, { clientId: legacy.id, pkce: false });
    await exchangeCode(t.server, legacy, next, { code_verifier: '' }).expect(200);
  });

  it('should answer invalid_grant when the code has expired', async () => {
    const issued = await obtainCode(t.server, { clientId: client.id });
    await t.dataSource.query('UPDATE authorization_codes SET expires_at = created_at');
    expectInvalidGrant(
      await exchangeCode(t.server, client, issued),
      'the authorization code is invalid or expired',
    );
  });

  it('should answer invalid_grant when the user was disabled after the code was issued', async () => {
    const bob = (await createUser(t.server, { username: 'bob' }).expect(201)).body.id;
    const issued = await obtainCode(t.server, { clientId: client.id, username: 'bob' });
    await request(t.server)
      .patch(`/admin/users/${bob}`)
      .set(adminAuth)
      .send({ enabled: false })
      .expect(200);
    expectInvalidGrant(
      await exchangeCode(t.server, client, issued),
      'the authorization code is invalid or expired',
    );
  });

  it('should answer invalid_grant when the user was disabled and enabled again since the code was issued', async () => {
    const carol = (await createUser(t.server, { username: 'carol' }).expect(201)).body.id;
    const issued = await obtainCode(t.server, { clientId: client.id, username: 'carol' });
    for (const enabled of [false, true]) {
      await request(t.server)
        .patch(`/admin/users/${carol}`)
        .set(adminAuth)
        .send({ enabled })
        .expect(200);
    }
    expectInvalidGrant(
      await exchangeCode(t.server, client, issued),
      'the authorization code is invalid or expired',
    );
  });

  describe('checked against the client as it is at the token request', () => {
    const patchClient = (id: string, changes: Record<string, unknown>) =>
      request(t.server).patch(`/admin/clients/${id}`).set(adminAuth).send(changes).expect(200);

    it('should answer invalid_grant when the redirect URI was removed after the code was issued', async () => {
      const twoUris = await registerClient(t.server, {
        skip_consent: true,
        redirect_uris: [CALLBACK, OTHER_CALLBACK],
      });
      const issued = await obtainCode(t.server, {
        clientId: twoUris.id,
        redirectUri: OTHER_CALLBACK,
      });
      await patchClient(twoUris.id, { redirect_uris: [CALLBACK] });
      expectInvalidGrant(
        await exchangeCode(t.server, twoUris, issued, { redirect_uri: OTHER_CALLBACK }),
        'the redirect URI of the authorization code is no longer registered',
      );
    });

    it('should answer invalid_grant when the client may no longer have a scope of the code', async () => {
      const narrowed = await registerClient(t.server, { skip_consent: true });
      const issued = await obtainCode(t.server, { clientId: narrowed.id, scope: 'profile email' });
      await patchClient(narrowed.id, { scope: 'profile' });
      expectInvalidGrant(
        await exchangeCode(t.server, narrowed, issued),
        'the client may no longer request: email',
      );
    });
  });

  it('should never read the code from the query string', async () => {
    const issued = await obtainCode(t.server, { clientId: client.id });
    const res = await tokenRequest(t.server, client, {
      grant_type: 'authorization_code',
      redirect_uri: CALLBACK,
      code_verifier: issued.verifier,
    }).query({ code: issued.code });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'code is required' });
    await exchangeCode(t.server, client, issued).expect(200);
  });

  it.each([1, 2, 3, 4, 5])(
    'should let exactly one of 20 parallel redemptions of one code win (round %i)',
    async () => {
      const issued = await obtainCode(t.server, { clientId: client.id });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => exchangeCode(t.server, client, issued)),
      );
      const statuses = results.map((res) => res.status).sort();
      expect(statuses).toEqual([200, ...Array(19).fill(400)]);
      for (const res of results.filter((r) => r.status === 400)) {
        expect(res.body.error).toBe('invalid_grant');
      }
      // The losers saw a used code, which revokes what the winner got.
      const winner = results.find((res) => res.status === 200);
      await callMe(t.server, winner?.body.access_token).expect(401);
    },
  );
});
