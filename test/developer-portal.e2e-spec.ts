import request from 'supertest';
import { sha256Hex } from '../src/common/crypto';
import { createUser, STRONG_PASSWORD } from './factories';
import { authorizePath, Browser, PAGE_HEADERS } from './helpers/browser';
import { auditEvents, registerInPortal, review, shownCredentials } from './helpers/developer';
import {
  CALLBACK,
  exchangeCode,
  expectInvalidClient,
  expectTokenResponse,
  obtainCode,
} from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const EVIL_NAME = '<script>alert(1)</script> & "Co"';

// The developer portal's pages: register an application, see it, edit it, rotate its secret,
// delete it; each developer reaches only their own.
describe('developer portal', () => {
  let t: TestApp;
  let alice: Browser;

  const clientRow = async (clientId: string) =>
    (await request(t.server).get(`/admin/clients/${clientId}`).set(adminAuth)).body as Record<
      string,
      unknown
    >;
  const clientCount = async () =>
    Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM clients'))[0].n);

  beforeEach(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    await createUser(t.server, { username: 'bob' }).expect(201);
    alice = new Browser(t.server);
    await alice.signIn('alice', STRONG_PASSWORD);
  });
  afterEach(async () => {
    await t.close();
  });

  describe('signed out', () => {
    it.each(['/developer/apps', '/developer/apps/new', '/account/apps'])(
      'should send %s to sign in, then back to its section',
      async (path) => {
        const browser = new Browser(t.server);
        const res = await browser.get(path);
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('/login');
        expect(res.headers).toMatchObject({ 'cache-control': 'no-store' });
        await browser.get('/login');
        const login = await browser.login('alice', STRONG_PASSWORD);
        expect(login.status).toBe(303);
        expect(login.headers.location).toBe(
          path.startsWith('/account') ? '/account/apps' : '/developer/apps',
        );
      },
    );

    it('should send a form post to sign in and change nothing', async () => {
      const before = await clientCount();
      const res = await new Browser(t.server).post('/developer/apps', { client_name: 'X' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect(await clientCount()).toBe(before);
    });
  });

  describe('registration', () => {
    it('should show the form with its length limits, the scopes on offer and a CSRF token', async () => {
      const res = await alice.get('/developer/apps/new');
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject(PAGE_HEADERS);
      expect(res.text).toContain('maxlength="200"');
      expect(res.text).toContain('Up to 200 characters.');
      expect(res.text).toContain('maxlength="1000"');
      expect(res.text).toContain('Optional, up to 1000 characters.');
      expect(res.text).toContain('name="scope" value="profile"');
      expect(res.text).toContain('name="scope" value="email"');
      expect(res.text).not.toContain('value="admin"');
      expect(alice.csrf).toMatch(/^[\w-]{43}$/);
    });

    it('should register a pending application and show its secret once, storing only its hash', async () => {
      const { res, clientId, secret } = await registerInPortal(alice, {
        scope: ['profile', 'email'],
      });
      expect(res.status).toBe(201);
      expect(res.headers).toMatchObject(PAGE_HEADERS);
      expect(secret).toMatch(/^[\w-]{43}$/);
      expect(res.text).toContain('It is shown only this once');
      expect(res.text).toContain('<span class="status status-pending">Awaiting approval</span>');
      const [row] = await t.dataSource.query(
        'SELECT secret_hash FROM clients WHERE client_id = ?',
        [clientId],
      );
      expect(row.secret_hash).toBe(sha256Hex(secret as string));
      expect(await clientRow(clientId)).toMatchObject({
        client_name: 'Weather Widget',
        description: 'Shows the weather where you are',
        client_uri: 'https://weather.example.com',
        redirect_uris: [CALLBACK],
        scope: 'profile email',
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
        allowed_origins: [],
        require_pkce: true,
        id_token_signed_response_alg: 'RS256',
        post_logout_redirect_uris: [],
        backchannel_logout_uri: null,
        backchannel_logout_session_required: false,
        skip_consent: false,
        introspection_allowed: false,
        status: 'pending',
      });

      const detail = await alice.get(`/developer/apps/${clientId}`);
      expect(detail.status).toBe(200);
      expect(detail.text).not.toContain(secret);
      const list = await alice.get('/developer/apps');
      expect(list.text).toContain(`<a href="/developer/apps/${clientId}">Weather Widget</a>`);
    });

    it('should register a public application without a secret, its redirect origins allowed for CORS', async () => {
      const { res, clientId, secret } = await registerInPortal(alice, {
        client_type: 'public',
        redirect_uris: 'https://spa.example.com/cb\r\n  http://127.0.0.1:8080/cb  \r\n',
      });
      expect(secret).toBeUndefined();
      expect(res.text).not.toContain('shown only this once');
      expect(await clientRow(clientId)).toMatchObject({
        token_endpoint_auth_method: 'none',
        redirect_uris: ['https://spa.example.com/cb', 'http://127.0.0.1:8080/cb'],
        allowed_origins: ['https://spa.example.com', 'http://127.0.0.1:8080'],
      });
    });

    it('should record the registration with the developer and their address', async () => {
      const { clientId } = await registerInPortal(alice);
      const owner = (await clientRow(clientId)).owner_id;
      const { body } = await auditEvents(t.server, { client_id: clientId }).expect(200);
      expect(body).toEqual([
        expect.objectContaining({
          type: 'client.created',
          actor_type: 'user',
          actor_user_id: owner,
          user_id: owner,
          ip: expect.stringMatching(/127\.0\.0\.1|::1/),
          details: { status: 'pending' },
        }),
      ]);
    });

    it('should show the form again with every problem and what was typed, escaped, and store nothing', async () => {
      await alice.get('/developer/apps/new');
      const before = await clientCount();
      const res = await alice.post('/developer/apps', {
        csrf_token: alice.csrf,
        client_name: EVIL_NAME,
        description: 'd'.repeat(1001),
        client_uri: 'javascript:alert(1)',
        redirect_uris: 'http://app.example.com/cb',
        client_type: 'public',
      });
      expect(res.status).toBe(400);
      expect(res.headers).toMatchObject(PAGE_HEADERS);
      expect(res.text).not.toContain('<script>');
      expect(res.text).toContain(
        'value="&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"',
      );
      expect(res.text).toContain('description must be shorter than or equal to 1000 characters');
      expect(res.text).toContain(
        'client_uri must be an http or https URL of at most 2000 characters',
      );
      expect(res.text).toContain(
        'redirect_uris [0] must use https (http is allowed only for localhost, 127.0.0.1 and [::1])',
      );
      expect(res.text).toContain('<p class="error">choose at least one</p>');
      expect(res.text).toContain('value="public" checked');
      expect(await clientCount()).toBe(before);
    });

    it('should refuse a scope operators have not made available to developers', async () => {
      await alice.get('/developer/apps/new');
      const res = await alice.post('/developer/apps', {
        csrf_token: alice.csrf,
        client_name: 'Sneaky',
        redirect_uris: CALLBACK,
        scope: ['profile', 'admin'],
      });
      expect(res.status).toBe(400);
      expect(res.text).toContain('may only include: profile, email');
    });

    it('should refuse a post without the CSRF token of the session and store nothing', async () => {
      await alice.get('/developer/apps/new');
      const before = await clientCount();
      const res = await alice.post('/developer/apps', {
        csrf_token: 'forged',
        client_name: 'Forged',
        redirect_uris: CALLBACK,
        scope: 'profile',
      });
      expect(res.status).toBe(403);
      expect(res.text).toContain('This form has expired.');
      expect(await clientCount()).toBe(before);
    });

    it('should approve at once when DEVELOPER_APPS_AUTO_APPROVE is true', async () => {
      await t.close();
      t = await createTestApp({ DEVELOPER_APPS_AUTO_APPROVE: 'true' });
      await createUser(t.server, { username: 'alice' }).expect(201);
      alice = new Browser(t.server);
      await alice.signIn('alice', STRONG_PASSWORD);
      const { res, clientId, secret } = await registerInPortal(alice);
      expect(res.text).toContain('<span class="status status-approved">Approved</span>');
      const code = await obtainCode(t.server, { clientId, scope: 'profile' });
      expectTokenResponse(await exchangeCode(t.server, { id: clientId, secret }, code), 'profile');
    });
  });

  describe('an application of its owner', () => {
    let clientId: string;
    let secret: string;

    beforeEach(async () => {
      const registered = await registerInPortal(alice);
      clientId = registered.clientId;
      secret = registered.secret as string;
    });

    it('should save new redirect URIs and description, then show them', async () => {
      await alice.get(`/developer/apps/${clientId}`);
      const res = await alice.post(`/developer/apps/${clientId}`, {
        csrf_token: alice.csrf,
        description: 'Now with forecasts',
        redirect_uris: `${CALLBACK}\nhttps://app.example.com/other`,
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/developer/apps/${clientId}`);
      expect(await clientRow(clientId)).toMatchObject({
        description: 'Now with forecasts',
        redirect_uris: [CALLBACK, 'https://app.example.com/other'],
        client_name: 'Weather Widget',
      });
      const page = await alice.get(`/developer/apps/${clientId}`);
      expect(page.text).toContain('>Now with forecasts</textarea>');
      const { body } = await auditEvents(t.server, { type: 'client.updated' }).expect(200);
      expect(body[0].details).toEqual({
        fields: ['description', 'redirect_uris'],
        previous_redirect_uris: [CALLBACK],
        redirect_uris: [CALLBACK, 'https://app.example.com/other'],
        review_version: '2',
      });
    });

    it('should send it back for approval, after a warning, when an approved one changes its redirect URIs', async () => {
      await review(t.server, clientId, 'approve').expect(200);
      const page = await alice.get(`/developer/apps/${clientId}`);
      expect(page.text).toContain(
        'Changing the redirect URIs sends the application back for approval',
      );
      const described = await alice.post(`/developer/apps/${clientId}`, {
        csrf_token: alice.csrf,
        description: 'Only the words',
        redirect_uris: CALLBACK,
      });
      expect(described.status).toBe(303);
      expect((await clientRow(clientId)).status).toBe('approved');

      await alice.post(`/developer/apps/${clientId}`, {
        csrf_token: alice.csrf,
        description: 'Only the words',
        redirect_uris: 'https://evil.example.com/steal',
      });
      expect(await clientRow(clientId)).toMatchObject({
        status: 'pending',
        redirect_uris: ['https://evil.example.com/steal'],
      });
      const bob = new Browser(t.server);
      await bob.signIn('bob', STRONG_PASSWORD);
      const res = await bob.get(
        authorizePath({
          client_id: clientId,
          redirect_uri: 'https://evil.example.com/steal',
          scope: 'profile',
          state: 's',
        }),
      );
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('<h1>Application awaiting approval</h1>');
    });

    it('should show the edit form again with the problem and change nothing', async () => {
      await alice.get(`/developer/apps/${clientId}`);
      const res = await alice.post(`/developer/apps/${clientId}`, {
        csrf_token: alice.csrf,
        description: 'kept',
        redirect_uris: '',
      });
      expect(res.status).toBe(400);
      expect(res.text).toContain(
        'at least one redirect URI is required for the authorization_code grant',
      );
      expect(res.text).toContain('>kept</textarea>');
      expect((await clientRow(clientId)).redirect_uris).toEqual([CALLBACK]);
    });

    it('should rotate the secret: the new one is shown once and the old one stops working', async () => {
      await review(t.server, clientId, 'approve').expect(200);
      await alice.get(`/developer/apps/${clientId}`);
      const res = await alice.post(`/developer/apps/${clientId}/secret`, {
        csrf_token: alice.csrf,
      });
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject(PAGE_HEADERS);
      const rotated = shownCredentials(res).secret as string;
      expect(rotated).toMatch(/^[\w-]{43}$/);
      expect(rotated).not.toBe(secret);

      const code = await obtainCode(t.server, { clientId, scope: 'profile' });
      expectInvalidClient(
        await exchangeCode(t.server, { id: clientId, secret }, code),
        'client authentication failed',
      );
      expectTokenResponse(
        await exchangeCode(t.server, { id: clientId, secret: rotated }, code),
        'profile',
      );
      const { body } = await auditEvents(t.server, { type: 'client.secret_rotated' }).expect(200);
      expect(body).toHaveLength(1);
    });

    it('should delete it and go back to the list', async () => {
      await alice.get(`/developer/apps/${clientId}`);
      const res = await alice.post(`/developer/apps/${clientId}/delete`, {
        csrf_token: alice.csrf,
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/developer/apps');
      await request(t.server).get(`/admin/clients/${clientId}`).set(adminAuth).expect(404);
      const list = await alice.get('/developer/apps');
      expect(list.text).toContain('You have not registered an application yet.');
      const { body } = await auditEvents(t.server, { type: 'client.deleted' }).expect(200);
      expect(body[0]).toMatchObject({ client_id: clientId, actor_type: 'user' });
    });

    describe('seen by another user', () => {
      let bob: Browser;

      beforeEach(async () => {
        bob = new Browser(t.server);
        await bob.signIn('bob', STRONG_PASSWORD);
        await bob.get('/developer/apps');
      });

      it('should not be listed', async () => {
        const res = await bob.get('/developer/apps');
        expect(res.text).not.toContain(clientId);
        expect(res.text).toContain('You have not registered an application yet.');
      });

      it.each([
        ['read', 'get', ''],
        ['edited', 'post', ''],
        ['given a new secret', 'post', '/secret'],
        ['deleted', 'post', '/delete'],
      ])('should not be %s: a 404 page, and nothing changes', async (_what, method, suffix) => {
        await bob.get('/developer/apps/new');
        const path = `/developer/apps/${clientId}${suffix}`;
        const res =
          method === 'get'
            ? await bob.get(path)
            : await bob.post(path, {
                csrf_token: bob.csrf,
                description: 'mine',
                redirect_uris: CALLBACK,
              });
        expect(res.status).toBe(404);
        expect(res.headers).toMatchObject(PAGE_HEADERS);
        expect(res.text).toContain('application not found');
        expect(res.text).not.toContain('Weather Widget');
        expect(await clientRow(clientId)).toMatchObject({
          client_name: 'Weather Widget',
          description: 'Shows the weather where you are',
        });
        const code = await obtainCode(t.server, { clientId, scope: 'profile' }).catch(() => null);
        expect(code).toBeNull(); // still pending: nothing was approved either
      });

      it("should answer an unknown id like someone else's", async () => {
        const res = await bob.get('/developer/apps/no-such-app');
        expect(res.status).toBe(404);
        expect(res.text).toContain('<h1>Request refused</h1>');
        expect(res.text).toContain('application not found');
      });
    });
  });

  it('should send users to the consent page with the scopes of an approved app', async () => {
    const { clientId } = await registerInPortal(alice, { scope: ['profile', 'email'] });
    await review(t.server, clientId, 'approve').expect(200);
    const bob = new Browser(t.server);
    await bob.signIn('bob', STRONG_PASSWORD);
    const res = await bob.get(
      authorizePath({
        client_id: clientId,
        redirect_uri: CALLBACK,
        scope: 'profile email',
        state: 's',
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/consent\?request=/);
    const consent = await bob.get(res.headers.location);
    expect(consent.text).toContain('<strong>Weather Widget</strong>');
  });
});
