import request from 'supertest';
import { createUser, STRONG_PASSWORD } from './factories';
import {
  callMe,
  ClientCredentials,
  exchangeCode,
  expectInvalidToken,
  obtainCode,
  passwordTokens,
  registerClient,
  registerTrustedClient,
  TOKEN_HEADERS,
  tokenRequest,
} from './helpers/oauth';
import { rawRequest } from './helpers/raw-request';
import { createTestApp, TestApp } from './helpers/test-app';

const SPA_ORIGIN = 'https://spa.example.com';
const CHALLENGE = 'Bearer realm="portcullis"';
const MALFORMED = 'send exactly one access token, in one Authorization: Bearer header';
const MALFORMED_CHALLENGE = `${CHALLENGE}, error="invalid_request", error_description="${MALFORMED}"`;

describe('protected API: GET /api/me', () => {
  let t: TestApp;
  let client: ClientCredentials;
  let aliceId: string;

  beforeAll(async () => {
    t = await createTestApp();
    aliceId = (
      await createUser(t.server, {
        username: 'alice',
        email: 'alice@example.com',
        name: 'Alice Liddell',
      }).expect(201)
    ).body.id;
    await createUser(t.server, { username: 'nomail' }).expect(201);
    client = await registerClient(t.server, {
      skip_consent: true,
      grant_types: ['authorization_code', 'refresh_token', 'password'],
      scope: 'profile email offline',
      allowed_origins: [SPA_ORIGIN],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const tokensFor = (scope: string, username = 'alice') =>
    passwordTokens(t.server, client, { scope, username });

  it.each([
    ['profile email', { email: 'alice@example.com', name: 'Alice Liddell' }],
    ['email', { email: 'alice@example.com' }],
    ['profile', { name: 'Alice Liddell' }],
    ['offline', {}],
  ])('should answer sub and username, plus what scope %s allows', async (scope, extra) => {
    const { access_token } = await tokensFor(scope);
    const res = await callMe(t.server, access_token);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ sub: aliceId, username: 'alice', ...extra });
  });

  it('should leave out an email the user does not have', async () => {
    const { access_token } = await tokensFor('profile email', 'nomail');
    const res = await callMe(t.server, access_token).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['sub', 'username']);
  });

  it('should accept a token obtained through the authorization code flow', async () => {
    const issued = await obtainCode(t.server, { clientId: client.id, scope: 'email' });
    const { body } = await exchangeCode(t.server, client, issued).expect(200);
    await callMe(t.server, body.access_token).expect(200, {
      sub: aliceId,
      username: 'alice',
      email: 'alice@example.com',
    });
  });

  it('should answer 401 with a challenge and no error code when no token is sent', async () => {
    await request(t.server)
      .get('/api/me')
      .expect(401, {
        error: 'invalid_token',
        error_description: 'an access token is required',
      })
      .expect('WWW-Authenticate', CHALLENGE);
  });

  it('should ignore a token in the query string', async () => {
    const { access_token } = await tokensFor('email');
    await request(t.server)
      .get(`/api/me?access_token=${access_token}`)
      .expect(401)
      .expect('WWW-Authenticate', CHALLENGE);
  });

  it('should answer invalid_token for an unknown token', async () => {
    expectInvalidToken(await callMe(t.server, 'A'.repeat(43)));
  });

  it('should never accept a refresh token as an access token', async () => {
    const { refresh_token } = await tokensFor('email');
    expectInvalidToken(await callMe(t.server, refresh_token));
  });

  it('should never accept an authorization code as an access token', async () => {
    const issued = await obtainCode(t.server, { clientId: client.id });
    expectInvalidToken(await callMe(t.server, issued.code));
  });

  it('should answer invalid_token once the token has expired', async () => {
    const { access_token } = await tokensFor('email');
    await t.dataSource.query("UPDATE access_tokens SET expires_at = '2000-01-01 00:00:00.000'");
    expectInvalidToken(await callMe(t.server, access_token));
  });

  it('should answer invalid_token for a revoked token', async () => {
    const { access_token } = await tokensFor('email');
    await t.dataSource.query("UPDATE access_tokens SET revoked_at = '2000-01-01 00:00:00.000'");
    expectInvalidToken(await callMe(t.server, access_token));
  });

  it('should not accept a token with different letter case', async () => {
    const { access_token } = await tokensFor('email');
    const flipped = access_token.replace(/[a-z]/, (c) => c.toUpperCase());
    expect(flipped).not.toBe(access_token);
    expectInvalidToken(await callMe(t.server, flipped));
  });

  it.each([
    ['two tokens in one header', (token: string) => `Bearer ${token} ${token}`],
    ['a comma-separated second token', (token: string) => `Bearer ${token}, Bearer ${token}`],
    ['no token after the scheme', () => 'Bearer '],
  ])('should answer 400 invalid_request for %s', async (_name, header) => {
    const { access_token } = await tokensFor('email');
    await request(t.server)
      .get('/api/me')
      .set('Authorization', header(access_token))
      .expect(400, { error: 'invalid_request', error_description: MALFORMED })
      .expect('WWW-Authenticate', MALFORMED_CHALLENGE);
  });

  it('should answer 400 invalid_request for two Authorization headers', async () => {
    const { access_token } = await tokensFor('email');
    const res = await rawRequest(t.app, {
      method: 'GET',
      path: '/api/me',
      headers: ['Authorization', `Bearer ${access_token}`, 'Authorization', 'Bearer other-token'],
    });
    expect(res.status).toBe(400);
    expect(res.headers['www-authenticate']).toBe(MALFORMED_CHALLENGE);
  });

  describe('CORS', () => {
    it('should allow a listed origin and expose the challenge header', async () => {
      const res = await request(t.server).get('/api/me').set('Origin', SPA_ORIGIN);
      expect(res.status).toBe(401);
      expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
      expect(res.headers['access-control-expose-headers']).toBe('WWW-Authenticate');
    });

    it('should answer the preflight of a listed origin asking for Authorization', async () => {
      const res = await request(t.server)
        .options('/api/me')
        .set('Origin', SPA_ORIGIN)
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
      expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
    });

    it('should send no CORS headers to another origin', async () => {
      const res = await request(t.server).get('/api/me').set('Origin', 'https://evil.example.com');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});

describe('token endpoint and protected API while the database is down', () => {
  let t: TestApp;
  let client: ClientCredentials;
  let accessToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    client = await registerTrustedClient(t.server);
    accessToken = (await passwordTokens(t.server, client)).access_token;
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer 503 and never a token or a success, then recover without a restart', async () => {
    await t.dataSource.destroy();
    const token = await tokenRequest(t.server, client, {
      grant_type: 'password',
      username: 'alice',
      password: STRONG_PASSWORD,
    });
    expect(token.status).toBe(503);
    expect(token.headers).toMatchObject({ ...TOKEN_HEADERS, 'retry-after': '5' });
    expect(token.body).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'try again shortly',
    });
    const me = await callMe(t.server, accessToken);
    expect(me.status).toBe(503);
    expect(me.headers['retry-after']).toBe('5');

    await t.dataSource.initialize();
    await callMe(t.server, accessToken).expect(200);
  });
});
