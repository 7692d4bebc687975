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
