import { decodeJwt } from 'jose';
import request from 'supertest';
import { createUser, STRONG_PASSWORD } from './factories';
import { Browser, pkcePair, redirectParams } from './helpers/browser';
import {
  CALLBACK,
  callMe,
  ClientCredentials,
  exchangeCode,
  clientPost,
  expectInvalidToken,
  expectOAuthError,
  passwordTokens,
  refresh,
  registerClient,
  registerTrustedClient,
  tokenRequest,
} from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const ISSUER = 'http://localhost:3000';
const ORDERS = 'https://orders.example.com';
const BILLING = 'urn:example:billing';
const ORDERS_SCOPES = [
  { value: 'orders:read', description: 'See your orders' },
  { value: 'orders:write', description: 'Place and cancel orders' },
];

// APIs (resource servers) as audiences with their own scopes (RFC 8707).
describe('APIs and resource indicators (RFC 8707)', () => {
  let t: TestApp;
  let ordersId: string;
  let machine: ClientCredentials;
  let trusted: ClientCredentials;
  let resourceServer: ClientCredentials;

  const createApi = (fields: Record<string, unknown>) =>
    request(t.server).post('/admin/apis').set(adminAuth).send(fields);
  const clientCredentials = (form: Record<string, string> = {}) =>
    tokenRequest(t.server, machine, { grant_type: 'client_credentials', ...form });
  const introspect = (token: string) =>
    clientPost(t.server, '/oauth/introspect', resourceServer, { token });

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    const orders = await createApi({
      identifier: ORDERS,
      name: 'Orders API',
      scopes: ORDERS_SCOPES,
      access_token_ttl: 600,
    }).expect(201);
    ordersId = orders.body.id;
    await createApi({
      identifier: BILLING,
      name: 'Billing',
      scopes: [{ value: 'billing:read', description: 'See invoices' }],
      access_token_format: 'opaque',
    }).expect(201);
    machine = await registerClient(t.server, {
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: 'orders:read orders:write billing:read reports',
    });
    trusted = await registerTrustedClient(t.server, {
      scope: 'profile email orders:read billing:read',
    });
    resourceServer = await registerTrustedClient(t.server, { introspection_allowed: true });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('admin routes', () => {
    it('should answer the registered API with its defaults', async () => {
      const res = await createApi({ identifier: 'https://reports.example.com', name: 'Reports' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        identifier: 'https://reports.example.com',
        name: 'Reports',
        scopes: [],
        access_token_format: 'jwt',
        access_token_ttl: 3600,
        created_at: expect.any(String),
      });
      const read = await request(t.server).get(`/admin/apis/${res.body.id}`).set(adminAuth);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);
    });

    it('should answer 409 when the identifier is already registered', async () => {
      const res = await createApi({ identifier: ORDERS, name: 'Again' });
      expect(res.status).toBe(409);
      expect(res.body.message).toBe('an API with this identifier is already registered');
    });

    it.each([
      [{ identifier: '/orders', name: 'x' }, 'identifier', 'identifier must be an absolute URI'],
      [
        { identifier: 'https://a.example/#f', name: 'x' },
        'identifier',
        'identifier must not contain a fragment',
      ],
      [
        {
          identifier: 'https://a.example',
          name: 'x',
          scopes: [{ value: 'a b', description: 'd' }],
        },
        'scopes.0.value',
        'value must be one scope token (RFC 6749 §3.3)',
      ],
      [
        { identifier: 'https://a.example', name: 'x', access_token_ttl: 5 },
        'access_token_ttl',
        'access_token_ttl must not be less than 60',
      ],
    ])('should answer 400 naming the field for %j', async (fields, field, message) => {
      const res = await createApi(fields);
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual({ [field]: [message] });
    });

    it('should list, change and delete APIs, the identifier staying fixed', async () => {
      const { body: api } = await createApi({ identifier: 'urn:example:temp', name: 'Temp' });
      const list = await request(t.server).get('/admin/apis').set(adminAuth).expect(200);
      const listed = list.body as { identifier: string }[];
      expect(listed.map((item) => item.identifier)).toContain('urn:example:temp');
      const patched = await request(t.server)
        .patch(`/admin/apis/${api.id}`)
        .set(adminAuth)
        .send({ name: 'Temporary', scopes: [{ value: 'temp', description: 'Temp' }] });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ identifier: 'urn:example:temp', name: 'Temporary' });
      const moved = await request(t.server)
        .patch(`/admin/apis/${api.id}`)
        .set(adminAuth)
        .send({ identifier: 'urn:example:elsewhere' });
      expect(moved.status).toBe(400);
      expect(moved.body.fields).toEqual({ identifier: ['property identifier should not exist'] });
      await request(t.server).delete(`/admin/apis/${api.id}`).set(adminAuth).expect(204);
      await request(t.server).get(`/admin/apis/${api.id}`).set(adminAuth).expect(404);
    });

    it('should need the admin credentials', async () => {
      const res = await request(t.server).get('/admin/apis');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
    });
  });

  describe('token endpoint', () => {
    it('should issue a JWT for the API: its aud, its scopes only, its lifetime', async () => {
      const res = await clientCredentials({ resource: ORDERS });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 600,
        scope: 'orders:read orders:write',
      });
      const claims = decodeJwt(res.body.access_token);
      expect(claims).toMatchObject({
        aud: ORDERS,
        sub: machine.id,
        scope: 'orders:read orders:write',
      });
      expect(claims.exp! - claims.iat!).toBe(600);
    });

    it('should accept audience as Auth0 and Hydra send it', async () => {
      const res = await clientCredentials({ audience: ORDERS, scope: 'orders:read' }).expect(200);
      expect(decodeJwt(res.body.access_token)).toMatchObject({ aud: ORDERS, scope: 'orders:read' });
    });

    it('should issue an opaque token for an opaque API, introspected with its aud', async () => {
      const res = await clientCredentials({ resource: BILLING }).expect(200);
      expect(res.body.scope).toBe('billing:read');
      const seen = await introspect(res.body.access_token).expect(200);
      expect(seen.body).toMatchObject({ active: true, aud: BILLING, scope: 'billing:read' });
    });

    it('should drop the scopes that are not the API’s from the token', async () => {
      const res = await clientCredentials({ resource: ORDERS, scope: 'orders:read reports' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('orders:read');
    });

    it('should answer invalid_scope when none of the scopes is the API’s', async () => {
      const res = await clientCredentials({ resource: ORDERS, scope: 'reports' });
      expectOAuthError(
        res,
        400,
        'invalid_scope',
        'none of the requested scopes is a scope of this API',
      );
    });

    it('should answer invalid_scope when the scope exceeds the client’s', async () => {
      const res = await clientCredentials({ resource: ORDERS, scope: 'orders:admin' });
      expectOAuthError(res, 400, 'invalid_scope', 'scope exceeds what this client may request');
    });

    it.each([
      [{ resource: 'https://unknown.example.com' }, 'resource is not a registered API'],
      [{ resource: 'orders' }, 'resource must be an absolute URI'],
      [{ resource: `${ORDERS}#x` }, 'resource must not contain a fragment'],
      [{ resource: ORDERS, audience: BILLING }, 'send resource or audience, not both'],
    ])('should answer invalid_target for %j', async (form, description) => {
      expectOAuthError(await clientCredentials(form), 400, 'invalid_target', description);
    });

    it('should answer invalid_request for a repeated resource (one API per request)', async () => {
      const res = await request(t.server)
        .post('/oauth/token')
        .auth(machine.id, machine.secret!)
        .type('form')
        .send(`grant_type=client_credentials&resource=${ORDERS}&resource=${BILLING}`);
      expectOAuthError(
        res,
        400,
        'invalid_request',
        'resource must be given once, as a single value',
      );
    });

    it('should take the built-in API named explicitly as no resource', async () => {
      const res = await clientCredentials({ resource: `${ISSUER}/api`, scope: 'reports' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('reports');
    });

    it('should refuse a token for an API at /api/me, which is the built-in API', async () => {
      const res = await passwordTokens(t.server, trusted, {
        resource: BILLING,
      });
      expectInvalidToken(await callMe(t.server, res.access_token));
    });
  });

  describe('refresh', () => {
    it('should keep issuing tokens for the API of the grant', async () => {
      const tokens = await passwordTokens(t.server, trusted, { resource: BILLING });
      expect(tokens.scope).toBe('billing:read');
      const res = await refresh(t.server, trusted, tokens.refresh_token);
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('billing:read');
      const seen = await introspect(res.body.access_token).expect(200);
      expect(seen.body).toMatchObject({ active: true, aud: BILLING, username: 'alice' });
    });

    it('should answer invalid_target for another API, the refresh token staying usable', async () => {
      const tokens = await passwordTokens(t.server, trusted, { resource: BILLING });
      const res = await refresh(t.server, trusted, tokens.refresh_token, { resource: ORDERS });
      expectOAuthError(res, 400, 'invalid_target', 'resource is not the API of this grant');
      await refresh(t.server, trusted, tokens.refresh_token).expect(200);
    });

    it('should narrow a grant for the built-in API to a registered API', async () => {
      const tokens = await passwordTokens(t.server, trusted);
      expect(tokens.scope).toBe('profile email orders:read billing:read');
      const res = await refresh(t.server, trusted, tokens.refresh_token, { resource: ORDERS });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('orders:read');
      expect(decodeJwt(res.body.access_token)).toMatchObject({ aud: ORDERS });
      // The grant is unchanged: the next refresh without resource is for the built-in API again.
      const next = await refresh(t.server, trusted, res.body.refresh_token).expect(200);
      expect(next.body.scope).toBe('profile email orders:read billing:read');
      await callMe(t.server, next.body.access_token).expect(200);
    });
  });

  describe('authorization endpoint', () => {
    let web: ClientCredentials;

    beforeAll(async () => {
      web = await registerClient(t.server, { scope: 'profile orders:read orders:write' });
    });

    const authorize = async (browser: Browser, params: Record<string, string>) => {
      const { verifier, challenge } = pkcePair();
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: web.id,
        redirect_uri: CALLBACK,
        state: 'st-1',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        ...params,
      });
      return { res: await browser.get(`/oauth/authorize?${query.toString()}`), verifier };
    };

    it('should ask consent with the API scope descriptions and issue tokens for the API', async () => {
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      const { res, verifier } = await authorize(browser, {
        scope: 'profile orders:read',
        resource: ORDERS,
      });
      expect(res.status).toBe(303);
      const page = await browser.get(res.headers.location);
      expect(page.status).toBe(200);
      const listed = [...page.text.matchAll(/<li>([^<]*)<\/li>/g)].map((match) => match[1]);
      expect(listed).toEqual(['See your username', 'See your orders']);
      const approved = await browser.post('/consent', {
        csrf_token: browser.csrf,
        request: res.headers.location.split('=')[1],
        decision: 'approve',
      });
      const { code } = redirectParams(approved);
      const tokens = await exchangeCode(t.server, web, { code, verifier });
      expect(tokens.status).toBe(200);
      expect(tokens.body.scope).toBe('orders:read');
      expect(decodeJwt(tokens.body.access_token)).toMatchObject({ aud: ORDERS });
      const refreshed = await refresh(t.server, web, tokens.body.refresh_token).expect(200);
      expect(decodeJwt(refreshed.body.access_token)).toMatchObject({
        aud: ORDERS,
        scope: 'orders:read',
      });
    });

    it.each([
      [
        { resource: 'https://unknown.example.com' },
        'invalid_target',
        'resource is not a registered API',
      ],
      [{ resource: 'orders' }, 'invalid_target', 'resource must be an absolute URI'],
      [
        { resource: ORDERS, audience: BILLING },
        'invalid_target',
        'send resource or audience, not both',
      ],
      [
        { resource: ORDERS, scope: 'profile' },
        'invalid_scope',
        'none of the requested scopes is a scope of this API',
      ],
    ])('should redirect with the error for %j', async (params, error, description) => {
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      const { res } = await authorize(browser, { scope: 'orders:read', ...params });
      expect(res.status).toBe(303);
      expect(res.headers.location.startsWith(`${CALLBACK}?`)).toBe(true);
      expect(redirectParams(res)).toEqual({
        error,
        error_description: description,
        state: 'st-1',
        iss: ISSUER,
      });
    });

    it('should answer invalid_target when the code exchange names another API', async () => {
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      // Consent for this scope was remembered by the first test: straight to the client.
      const { res, verifier } = await authorize(browser, {
        scope: 'orders:read',
        resource: ORDERS,
      });
      const { code } = redirectParams(res);
      const tokens = await exchangeCode(t.server, web, { code, verifier }, { resource: BILLING });
      expectOAuthError(
        tokens,
        400,
        'invalid_target',
        'resource is not the API of this authorization',
      );
    });
  });

  it('should keep the API of issued tokens when the API is changed', async () => {
    const res = await clientCredentials({ resource: ORDERS }).expect(200);
    await request(t.server)
      .patch(`/admin/apis/${ordersId}`)
      .set(adminAuth)
      .send({ name: 'Orders' })
      .expect(200);
    const seen = await introspect(res.body.access_token).expect(200);
    expect(seen.body).toMatchObject({ active: true, aud: ORDERS });
  });
});
