import { decodeJwt, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { createClient } from './factories';
import {
  callMe,
  ClientCredentials,
  clientPost,
  expectInvalidClient,
  expectInvalidToken,
  expectOAuthError,
  registerClient,
  TOKEN_HEADERS,
  tokenRequest,
} from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const ISSUER = 'http://localhost:3000';
const OPAQUE_TOKEN = /^[\w-]{43}$/;

// RFC 6749 §4.4: a confidential client gets an access token for itself; RFC 9068 §2.2: its
// subject is the client.
describe('client_credentials grant (RFC 6749 §4.4)', () => {
  let t: TestApp;
  let machine: ClientCredentials;
  let jwtMachine: ClientCredentials;
  let resourceServer: ClientCredentials;

  const machineClient = (fields: Record<string, unknown> = {}) =>
    registerClient(t.server, {
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: 'orders:read orders:write',
      ...fields,
    });
  const clientCredentials = (as: ClientCredentials, form: Record<string, string> = {}) =>
    tokenRequest(t.server, as, { grant_type: 'client_credentials', ...form });
  const introspect = (as: ClientCredentials, token: string) =>
    clientPost(t.server, '/oauth/introspect', as, { token });

  beforeAll(async () => {
    t = await createTestApp();
    machine = await machineClient();
    jwtMachine = await machineClient({ access_token_format: 'jwt' });
    resourceServer = await registerClient(t.server, {
      redirect_uris: [],
      grant_types: ['password'],
      introspection_allowed: true,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('should register a confidential client with only this grant and no redirect URI', async () => {
    const res = await createClient(t.server, {
      redirect_uris: [],
      grant_types: ['client_credentials'],
    }).expect(201);
    expect(res.body).toMatchObject({
      redirect_uris: [],
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      client_secret: expect.stringMatching(OPAQUE_TOKEN),
    });
  });

  it('should refuse to register a public client with this grant', async () => {
    const res = await createClient(t.server, {
      redirect_uris: [],
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'none',
    }).expect(400);
    expect(res.body.fields).toEqual({
      grant_types: [
        'public clients (token_endpoint_auth_method none) cannot use the client_credentials grant',
      ],
    });
  });

  it('should issue an opaque access token with the client scope and no refresh token', async () => {
    const res = await clientCredentials(machine);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(TOKEN_HEADERS);
    expect(res.body).toEqual({
      access_token: expect.stringMatching(OPAQUE_TOKEN),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'orders:read orders:write',
    });
  });

  it('should issue no refresh token when the client also lists refresh_token', async () => {
    const both = await machineClient({ grant_types: ['client_credentials', 'refresh_token'] });
    const res = await clientCredentials(both).expect(200);
    expect(res.body).not.toHaveProperty('refresh_token');
  });

  it('should grant a requested subset of the client scope', async () => {
    const res = await clientCredentials(machine, { scope: 'orders:read' }).expect(200);
    expect(res.body.scope).toBe('orders:read');
  });

  it('should answer invalid_scope when the scope exceeds the client scope', async () => {
    const res = await clientCredentials(machine, { scope: 'orders:read admin' });
    expectOAuthError(res, 400, 'invalid_scope', 'scope exceeds what this client may request');
  });

  it('should answer unauthorized_client when the client does not list the grant', async () => {
    const web = await registerClient(t.server);
    const res = await clientCredentials(web);
    expectOAuthError(
      res,
      400,
      'unauthorized_client',
      'this client may not use the client_credentials grant',
    );
  });

  it('should answer invalid_client when the secret is wrong', async () => {
    const res = await clientCredentials({ id: machine.id, secret: 'wrong' });
    expectInvalidClient(res, 'client authentication failed');
  });

  it('should issue an RFC 9068 JWT whose subject is the client', async () => {
    const res = await clientCredentials(jwtMachine, { scope: 'orders:read' }).expect(200);
    const token = res.body.access_token as string;
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    const claims = decodeJwt(token);
    expect(claims).toEqual({
      iss: ISSUER,
      sub: jwtMachine.id,
      aud: `${ISSUER}/api`,
      client_id: jwtMachine.id,
      scope: 'orders:read',
      iat: expect.any(Number),
      exp: (claims.iat as number) + 3600,
      jti: expect.any(String),
    });
  });

  it.each([
    ['opaque', () => machine],
    ['jwt', () => jwtMachine],
  ])('should introspect a %s token as the client own, with no username', async (_format, owner) => {
    const token = (await clientCredentials(owner()).expect(200)).body.access_token as string;
    for (const caller of [owner(), resourceServer]) {
      const res = await introspect(caller, token).expect(200);
      expect(res.headers).toMatchObject(TOKEN_HEADERS);
      expect(res.body).toEqual({
        active: true,
        scope: 'orders:read orders:write',
        client_id: owner().id,
        sub: owner().id,
        token_type: 'Bearer',
        exp: res.body.iat + 3600,
        iat: expect.any(Number),
        iss: ISSUER,
      });
    }
  });

  it.each([
    ['opaque', () => machine],
    ['jwt', () => jwtMachine],
  ])('should report a revoked %s token inactive', async (_format, owner) => {
    const token = (await clientCredentials(owner()).expect(200)).body.access_token as string;
    const revoked = await clientPost(t.server, '/oauth/revoke', owner(), { token });
    expect(revoked.status).toBe(200);
    expect(revoked.text).toBe('');
    const res = await introspect(resourceServer, token).expect(200);
    expect(res.body).toEqual({ active: false });
  });

  it('should report the tokens of a disabled client inactive', async () => {
    const disabled = await machineClient();
    const token = (await clientCredentials(disabled).expect(200)).body.access_token as string;
    await request(t.server)
      .patch(`/admin/clients/${disabled.id}`)
      .set(adminAuth)
      .send({ enabled: false })
      .expect(200);
    const res = await introspect(resourceServer, token).expect(200);
    expect(res.body).toEqual({ active: false });
  });

  it('should refuse a client token at /api/me, which answers for a user', async () => {
    const token = (await clientCredentials(machine).expect(200)).body.access_token as string;
    expectInvalidToken(await callMe(t.server, token));
  });

  it('should refuse a client token with scope admin at the admin routes', async () => {
    const admin = await machineClient({ scope: 'admin' });
    const token = (await clientCredentials(admin).expect(200)).body.access_token as string;
    const res = await request(t.server)
      .get('/admin/clients')
      .set('Authorization', `Bearer ${token}`);
    expectInvalidToken(res);
  });

  it('should record issuance per client in the audit trail (its first token each hour), with the client as the actor', async () => {
    const audited = await machineClient();
    const hourBefore = new Date().toISOString().slice(0, 13);
    await clientCredentials(audited, { scope: 'orders:read' }).expect(200);
    await clientCredentials(audited).expect(200);
    await clientCredentials(audited).expect(200);
    const hourAfter = new Date().toISOString().slice(0, 13);
    const res = await request(t.server)
      .get(`/admin/audit?client_id=${audited.id}&type=token.client_credentials`)
      .set(adminAuth)
      .expect(200);
    const first = {
      id: expect.any(String),
      type: 'token.client_credentials',
      actor_type: 'client',
      actor_user_id: null,
      user_id: null,
      client_id: audited.id,
      ip: expect.any(String),
      details: { scope: 'orders:read' },
      created_at: expect.any(String),
    };
    // Three tokens in one hour make one event; should the hour turn in between, two.
    if (hourBefore === hourAfter) {
      expect(res.body).toEqual([first]);
    } else {
      expect(res.body).toHaveLength(2);
    }
  });
});
