import request from 'supertest';
import { createUser, STRONG_PASSWORD } from './factories';
import { Browser } from './helpers/browser';
import {
  callMe,
  ClientCredentials,
  expectTokenResponse,
  registerClient,
  registerTrustedClient,
  TOKEN_HEADERS,
  tokenRequest,
  insufficientScopeChallenge,
} from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

describe('token endpoint: password grant', () => {
  let t: TestApp;
  let trusted: ClientCredentials;
  let aliceId: string;

  beforeEach(async () => {
    t = await createTestApp();
    aliceId = (
      await createUser(t.server, { username: 'alice', email: 'alice@example.com' }).expect(201)
    ).body.id;
    await createUser(t.server, { username: 'dora', enabled: false }).expect(201);
    trusted = await registerTrustedClient(t.server, { scope: 'profile email admin' });
  });
  afterEach(async () => {
    await t.close();
  });

  const passwordGrant = (username: string, password: string, extra = {}) =>
    tokenRequest(t.server, trusted, { grant_type: 'password', username, password, ...extra });

  it('should issue tokens for the right username and password', async () => {
    const res = await passwordGrant('alice', STRONG_PASSWORD, { scope: 'email' });
    expectTokenResponse(res, 'email');
    await callMe(t.server, res.body.access_token).expect(200, {
      sub: aliceId,
      username: 'alice',
      email: 'alice@example.com',
    });
  });

  it("should grant the client's registered scope when none is requested", async () => {
    const res = await passwordGrant('alice', STRONG_PASSWORD).expect(200);
    expect(res.body.scope).toBe('profile email admin');
  });

  it('should answer invalid_scope for a scope the client may not request', async () => {
    const res = await passwordGrant('alice', STRONG_PASSWORD, { scope: 'email payments' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_scope',
      error_description: 'scope exceeds what this client may request',
    });
  });

  it('should give identical answers for an unknown user, a wrong password and a disabled user', async () => {
    const answers = await Promise.all([
      passwordGrant('nobody', STRONG_PASSWORD),
      passwordGrant('alice', `${STRONG_PASSWORD}x`),
      passwordGrant('dora', STRONG_PASSWORD),
    ]);
    for (const res of answers) {
      expect(res.status).toBe(400);
      expect(res.headers).toMatchObject(TOKEN_HEADERS);
      expect(res.body).toEqual({
        error: 'invalid_grant',
        error_description: 'invalid username or password',
      });
    }
  });

  it.each([
    [{ username: 'alice' }, 'password is required'],
    [{ password: STRONG_PASSWORD }, 'username is required'],
  ])('should answer invalid_request when a field is missing (%o)', async (form, description) => {
    const res = await tokenRequest(t.server, trusted, { grant_type: 'password', ...form });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
  });

  it('should never read the password from the query string', async () => {
    const res = await tokenRequest(t.server, trusted, {
      grant_type: 'password',
      username: 'alice',
    }).query({ password: STRONG_PASSWORD });
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: 'password is required',
    });
  });

  it('should answer unauthorized_client for a client that does not list the grant', async () => {
    const codeOnly = await registerClient(t.server);
    const res = await tokenRequest(t.server, codeOnly, {
      grant_type: 'password',
      username: 'alice',
      password: STRONG_PASSWORD,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'unauthorized_client',
      error_description: 'this client may not use the password grant',
    });
  });

  it('should lock the account after 5 failures with 429 and Retry-After, even for the right password', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      await passwordGrant('alice', 'wrong-password-123').expect(400);
    }
    const locked = await passwordGrant('alice', STRONG_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers).toMatchObject(TOKEN_HEADERS);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(890);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect(locked.body).toEqual({
      error: 'invalid_grant',
      error_description: 'too many failed attempts; try again later',
    });
  });

  it('should share its attempt counters with the login page', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      await passwordGrant('alice', 'wrong-password-123').expect(400);
    }
    const browser = new Browser(t.server);
    const login = await browser.signIn('alice', STRONG_PASSWORD);
    expect(login.status).toBe(429);
  });

  it('should count login page failures against the password grant', async () => {
    const browser = new Browser(t.server);
    await browser.get('/login');
    for (let attempt = 0; attempt < 5; attempt++) {
      await browser.login('alice', 'wrong-password-123');
    }
    await passwordGrant('alice', STRONG_PASSWORD).expect(429);
  });

  it('should check at most 5 passwords of 20 parallel guesses', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => passwordGrant('alice', 'wrong-password-123')),
    );
    const statuses = results.map((res) => res.status);
    const checked = statuses.filter((status) => status === 400).length;
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20 - checked);
  });

  it('should issue tokens an admin can use on the admin routes only with scope admin', async () => {
    const adminId = (await createUser(t.server, { username: 'root', role: 'admin' }).expect(201))
      .body.id;
    expect(adminId).toBeDefined();
    const withAdmin = await passwordGrant('root', STRONG_PASSWORD, { scope: 'admin' }).expect(200);
    await request(t.server)
      .get('/admin/clients')
      .set('Authorization', `Bearer ${withAdmin.body.access_token}`)
      .expect(200);
    const withoutAdmin = await passwordGrant('root', STRONG_PASSWORD, { scope: 'email' });
    await request(t.server)
      .get('/admin/clients')
      .set('Authorization', `Bearer ${withoutAdmin.body.access_token}`)
      .expect(403, {
        error: 'insufficient_scope',
        error_description: 'an admin user with scope admin is required',
      })
      .expect(
        'WWW-Authenticate',
        insufficientScopeChallenge('an admin user with scope admin is required', 'admin'),
      );
    const plainUser = await passwordGrant('alice', STRONG_PASSWORD, { scope: 'admin' }).expect(200);
    await request(t.server)
      .get('/admin/users')
      .set('Authorization', `Bearer ${plainUser.body.access_token}`)
      .expect(403);
    // Demoting the admin takes effect at once.
    await request(t.server)
      .patch(`/admin/users/${adminId}`)
      .set(adminAuth)
      .send({ role: 'user' })
      .expect(200);
    await request(t.server)
      .get('/admin/clients')
      .set('Authorization', `Bearer ${withAdmin.body.access_token}`)
      .expect(403);
  });
});
