import request from 'supertest';
import { createUser } from './factories';
import {
  callMe,
  ClientCredentials,
  clientPost,
  expectInvalidClient,
  passwordTokens,
  refresh,
  registerClient,
  registerTrustedClient,
  TOKEN_HEADERS,
} from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const ISSUER = 'http://localhost:3000';

describe('POST /oauth/introspect (RFC 7662)', () => {
  let t: TestApp;
  let client: ClientCredentials;
  let other: ClientCredentials;
  let resourceServer: ClientCredentials;
  let aliceId: string;

  beforeAll(async () => {
    t = await createTestApp();
    aliceId = (await createUser(t.server, { username: 'alice' }).expect(201)).body.id;
    client = await registerTrustedClient(t.server);
    other = await registerTrustedClient(t.server);
    resourceServer = await registerTrustedClient(t.server, { introspection_allowed: true });
  });
  afterAll(async () => {
    await t.close();
  });

  const introspect = (as: ClientCredentials, form: Record<string, string>) =>
    clientPost(t.server, '/oauth/introspect', as, form);
  const expectInactive = (res: request.Response) => {
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(TOKEN_HEADERS);
    expect(res.body).toEqual({ active: false });
  };
  const activeBody = (tokenType: string) => ({
    active: true,
    scope: 'profile',
    client_id: client.id,
    sub: aliceId,
    username: 'alice',
    token_type: tokenType,
    exp: expect.any(Number),
    iat: expect.any(Number),
    iss: ISSUER,
  });

  describe('a client registered only to introspect (no redirect URI, no grant)', () => {
    let api: ClientCredentials;

    beforeAll(async () => {
      const { body } = await request(t.server)
        .post('/admin/clients')
        .set(adminAuth)
        .send({ client_name: 'Orders API', introspection_allowed: true })
        .expect(201);
      api = { id: body.client_id, secret: body.client_secret };
    });

    it("should describe another client's live token to it", async () => {
      const tokens = await passwordTokens(t.server, client, { scope: 'profile' });
      const res = await introspect(api, { token: tokens.access_token });
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject(TOKEN_HEADERS);
      expect(res.body).toEqual(activeBody('Bearer'));
    });

    it.each([
      ['password', { grant_type: 'password', username: 'alice', password: 'x' }],
      ['refresh_token', { grant_type: 'refresh_token', refresh_token: 'x' }],
      ['authorization_code', { grant_type: 'authorization_code', code: 'x' }],
    ])('should refuse it the %s grant with unauthorized_client', async (grant, form) => {
      const res = await clientPost(t.server, '/oauth/token', api, form);
      expect(res.status).toBe(400);
      expect(res.headers).toMatchObject(TOKEN_HEADERS);
      expect(res.body).toEqual({
        error: 'unauthorized_client',
        error_description: `this client may not use the ${grant} grant`,
      });
    });

    it('should show the authorization endpoint an error page, never a redirect', async () => {
      const res = await request(t.server).get(
        `/oauth/authorize?response_type=code&client_id=${api.id}&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback`,
      );
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });
  });

  it('should describe a live access token to the client it was issued to', async () => {
    const tokens = await passwordTokens(t.server, client, { scope: 'profile' });
    const res = await introspect(client, { token: tokens.access_token });
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(TOKEN_HEADERS);
    expect(res.body).toEqual(activeBody('Bearer'));
    expect(res.body.exp - res.body.iat).toBe(3600);
    expect(Math.abs(res.body.iat - Date.now() / 1000)).toBeLessThan(30);
  });

  it('should honour only the scopes the client still has when its scope was narrowed', async () => {
    const narrowed = await registerTrustedClient(t.server, { scope: 'profile email' });
    await createUser(t.server, { username: 'nora', email: 'nora@example.com' }).expect(201);
    const tokens = await passwordTokens(t.server, narrowed, {
      username: 'nora',
      scope: 'profile email',
    });
    expect((await callMe(t.server, tokens.access_token).expect(200)).body.email).toBe(
      'nora@example.com',
    );
    await request(t.server)
      .patch(`/admin/clients/${narrowed.id}`)
      .set(adminAuth)
      .send({ scope: 'profile' })
      .expect(200);
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      const res = await introspect(narrowed, { token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ active: true, scope: 'profile' });
    }
    const me = await callMe(t.server, tokens.access_token).expect(200);
    expect(me.body).toEqual({ sub: expect.any(String), username: 'nora' });
  });

  it('should describe a live refresh token, until it is rotated', async () => {
    const tokens = await passwordTokens(t.server, client, { scope: 'profile' });
    const res = await introspect(client, {
      token: tokens.refresh_token,
      token_type_hint: 'refresh_token',
    });
    expect(res.body).toEqual(activeBody('refresh_token'));
    expect(res.body.exp - res.body.iat).toBe(1209600);
    await refresh(t.server, client, tokens.refresh_token).expect(200);
    expectInactive(await introspect(client, { token: tokens.refresh_token }));
  });

  it('should describe any token to a client with introspection_allowed', async () => {
    const tokens = await passwordTokens(t.server, client, { scope: 'profile' });
    const res = await introspect(resourceServer, { token: tokens.access_token });
    expect(res.body).toEqual(activeBody('Bearer'));
  });

  it("should answer exactly {active:false} for another client's token", async () => {
    const tokens = await passwordTokens(t.server, client, { scope: 'profile' });
    expectInactive(await introspect(other, { token: tokens.access_token }));
    expectInactive(await introspect(other, { token: tokens.refresh_token }));
  });

  it('should answer exactly {active:false} for unknown, revoked and expired tokens', async () => {
    expectInactive(await introspect(client, { token: 'no-such-token' }));
    const revoked = await passwordTokens(t.server, client, { scope: 'profile' });
    await clientPost(t.server, '/oauth/revoke', client, { token: revoked.refresh_token }).expect(
      200,
    );
    expectInactive(await introspect(client, { token: revoked.access_token }));
    expectInactive(await introspect(client, { token: revoked.refresh_token }));
    const expired = await passwordTokens(t.server, client, { scope: 'profile' });
    await t.dataSource.query("UPDATE access_tokens SET expires_at = '2000-01-01 00:00:00.000'");
    expectInactive(await introspect(client, { token: expired.access_token }));
  });

  it('should answer {active:false} for the tokens of a disabled user', async () => {
    const bobId = (await createUser(t.server, { username: 'bob' }).expect(201)).body.id;
    const tokens = await passwordTokens(t.server, client, { username: 'bob' });
    await request(t.server)
      .patch(`/admin/users/${bobId}`)
      .set(adminAuth)
      .send({ enabled: false })
      .expect(200);
    expectInactive(await introspect(client, { token: tokens.access_token }));
    expectInactive(await introspect(client, { token: tokens.refresh_token }));
  });

  it('should refuse public clients with invalid_client', async () => {
    const spa = await registerClient(t.server, { token_endpoint_auth_method: 'none' });
    const res = await introspect(spa, { token: 'x' });
    expectInvalidClient(res, 'public clients cannot introspect tokens');
  });

  it('should refuse unauthenticated callers', async () => {
    const res = await request(t.server).post('/oauth/introspect').type('form').send({ token: 'x' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('should answer invalid_request when the token is missing', async () => {
    const res = await introspect(client, {});
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'token is required' });
  });
});
