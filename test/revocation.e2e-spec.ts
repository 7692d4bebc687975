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
import { createTestApp, TestApp } from './helpers/test-app';

describe('POST /oauth/revoke (RFC 7009)', () => {
  let t: TestApp;
  let client: ClientCredentials;
  let other: ClientCredentials;
  let spa: ClientCredentials;

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    client = await registerTrustedClient(t.server);
    other = await registerTrustedClient(t.server);
    spa = await registerClient(t.server, { token_endpoint_auth_method: 'none' });
  });
  afterAll(async () => {
    await t.close();
  });

  const revoke = (as: ClientCredentials, form: Record<string, string>) =>
    clientPost(t.server, '/oauth/revoke', as, form);
  const expectRevoked = (res: request.Response) => {
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'cache-control': 'no-store', pragma: 'no-cache' });
    expect(res.text).toBe('');
  };

  it('should revoke an access token so /api/me refuses it, and leave the refresh token', async () => {
    const tokens = await passwordTokens(t.server, client);
    expectRevoked(await revoke(client, { token: tokens.access_token }));
    await callMe(t.server, tokens.access_token).expect(401);
    await refresh(t.server, client, tokens.refresh_token).expect(200);
  });

  it("should revoke a refresh token and its grant's access tokens", async () => {
    const tokens = await passwordTokens(t.server, client);
    expectRevoked(
      await revoke(client, { token: tokens.refresh_token, token_type_hint: 'refresh_token' }),
    );
    await callMe(t.server, tokens.access_token).expect(401);
    const res = await refresh(t.server, client, tokens.refresh_token);
    expect(res.body.error).toBe('invalid_grant');
  });

  it.each(['access_token', 'refresh_token', 'something_else'])(
    'should treat token_type_hint=%s only as a hint',
    async (hint) => {
      const tokens = await passwordTokens(t.server, client);
      expectRevoked(await revoke(client, { token: tokens.access_token, token_type_hint: hint }));
      await callMe(t.server, tokens.access_token).expect(401);
    },
  );

  it('should answer 200 for an unknown token and for one already revoked', async () => {
    expectRevoked(await revoke(client, { token: 'no-such-token' }));
    const tokens = await passwordTokens(t.server, client);
    await revoke(client, { token: tokens.refresh_token }).expect(200);
    expectRevoked(await revoke(client, { token: tokens.refresh_token }));
  });

  it("should answer 200 and change nothing when a client revokes another client's tokens", async () => {
    const tokens = await passwordTokens(t.server, client);
    expectRevoked(await revoke(other, { token: tokens.access_token }));
    expectRevoked(await revoke(other, { token: tokens.refresh_token }));
    await callMe(t.server, tokens.access_token).expect(200);
    await refresh(t.server, client, tokens.refresh_token).expect(200);
  });

  it('should let a public client revoke with its client_id alone', async () => {
    expectRevoked(await revoke(spa, { token: 'whatever' }));
  });

  it('should answer invalid_client for a wrong secret', async () => {
    const res = await revoke({ id: client.id, secret: 'wrong' }, { token: 'x' });
    expectInvalidClient(res, 'client authentication failed');
  });

  it('should answer invalid_request when the token is missing or repeated', async () => {
    let res = await revoke(client, {});
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'token is required' });
    res = await request(t.server)
      .post('/oauth/revoke')
      .auth(client.id, client.secret as string)
      .type('form')
      .send('token=a&token=b');
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'token must be given once, as a single value',
    });
  });

  it('should answer 503, not 200, when the database cannot store the revocation', async () => {
    const tokens = await passwordTokens(t.server, client);
    await t.dataSource.destroy();
    try {
      const res = await revoke(client, { token: tokens.access_token });
      expect(res.status).toBe(503);
      expect(res.headers).toMatchObject({ ...TOKEN_HEADERS, 'retry-after': '5' });
      expect(res.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'try again shortly',
      });
    } finally {
      await t.dataSource.initialize();
    }
    await callMe(t.server, tokens.access_token).expect(200);
  });
});
