import request from 'supertest';
import { createClient, createUser, STRONG_PASSWORD } from './factories';
import { authorizePath, Browser, PAGE_HEADERS, redirectParams } from './helpers/browser';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const ISSUER = 'http://localhost:3000';
const CALLBACK = 'https://app.example.com/callback';
const EVIL_NAME = '<img src=x onerror=alert(1)> & "Co"';

describe('consent', () => {
  let t: TestApp;
  let clientId: string;

  const authorizeUrl = (client: string, params: Record<string, string> = {}) =>
    authorizePath({
      client_id: client,
      redirect_uri: CALLBACK,
      scope: 'profile',
      state: 's-1',
      ...params,
    });
  // Signs a new browser in and starts an authorization request that needs consent.
  const pendingConsent = async (username = 'alice', params: Record<string, string> = {}) => {
    const browser = new Browser(t.server);
    await browser.signIn(username, STRONG_PASSWORD);
    const res = await browser.get(authorizeUrl(clientId, params));
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/consent\?request=[\w-]{22}$/);
    const requestId = res.headers.location.split('=')[1];
    await browser.get(res.headers.location);
    return { browser, requestId };
  };
  const decide = (browser: Browser, requestId: string, decision = 'approve') =>
    browser.post('/consent', { csrf_token: browser.csrf, request: requestId, decision });
  const codeCount = async () =>
    Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM authorization_codes'))[0].n);
  const consentRows = () =>
    t.dataSource.query('SELECT scope FROM consents c JOIN users u ON u.id = c.user_id');

  beforeEach(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    await createUser(t.server, { username: 'bob' }).expect(201);
    const { body } = await createClient(t.server, {
      client_name: EVIL_NAME,
      scope: 'profile email',
    }).expect(201);
    clientId = body.client_id;
  });
  afterEach(async () => {
    await t.close();
  });

  it('should show the escaped client name, its redirect host, each scope in words and the user', async () => {
    const browser = new Browser(t.server);
    await browser.signIn('alice', STRONG_PASSWORD);
    const start = await browser.get(authorizeUrl(clientId, { scope: 'profile email' }));
    const res = await browser.get(start.headers.location);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(PAGE_HEADERS);
    expect(res.text).toContain(
      '<strong>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; &quot;Co&quot;</strong>',
    );
    expect(res.text).not.toContain('<img');
    expect(res.text).toContain('returning to <strong>app.example.com</strong>');
    expect(res.text).toContain('<li>See your username</li>');
    expect(res.text).toContain('<li>See your name</li>');
    expect(res.text).toContain('<li>See your email address</li>');
    expect(res.text).toContain('Signed in as alice.');
    expect(res.text).toContain('value="approve">Approve</button>');
    expect(res.text).toContain('value="deny" class="secondary">Deny</button>');
  });

  it('should redirect with access_denied, state and iss on Deny, and remember nothing', async () => {
    const { browser, requestId } = await pendingConsent();
    const res = await decide(browser, requestId, 'deny');
    expect(res.status).toBe(303);
    expect(res.headers.location.startsWith(`${CALLBACK}?error=access_denied&`)).toBe(true);
    expect(redirectParams(res)).toEqual({
      error: 'access_denied',
      error_description: 'the user denied the request',
      state: 's-1',
      iss: ISSUER,
    });
    expect(await codeCount()).toBe(0);
    expect(await consentRows()).toEqual([]);
  });

  it('should issue a code and remember consent on Approve, once only', async () => {
    const { browser, requestId } = await pendingConsent();
    const form = { csrf_token: browser.csrf, request: requestId, decision: 'approve' };
    const res = await browser.post('/consent', form);
    expect(res.status).toBe(303);
    expect(redirectParams(res)).toEqual({
      code: expect.stringMatching(/^[\w-]{43}$/),
      state: 's-1',
      iss: ISSUER,
    });
    expect(await consentRows()).toEqual([{ scope: 'profile' }]);

    const again = await browser.post('/consent', form);
    expect(again.status).toBe(400);
    expect(again.headers.location).toBeUndefined();
    expect(again.text).toContain('This authorization request has expired or was already answered.');
    expect(await codeCount()).toBe(1);
  });

  it('should read client, redirect URI and scope from the stored request, never from the form', async () => {
    const { body: other } = await createClient(t.server, {
      redirect_uris: ['https://evil.example/cb'],
      scope: 'profile email admin',
    });
    const { browser, requestId } = await pendingConsent();
    const res = await browser.post('/consent', {
      csrf_token: browser.csrf,
      request: requestId,
      decision: 'approve',
      client_id: other.client_id,
      redirect_uri: 'https://evil.example/cb',
      scope: 'profile email admin',
    });
    expect(res.headers.location.startsWith(`${CALLBACK}?code=`)).toBe(true);
    const [row] = await t.dataSource.query(
      'SELECT client_id, redirect_uri, scope FROM authorization_codes',
    );
    expect(row).toEqual({ client_id: clientId, redirect_uri: CALLBACK, scope: 'profile' });
  });

  it('should skip the consent page once the scopes were approved, and ask again for a new scope', async () => {
    const { browser, requestId } = await pendingConsent();
    await decide(browser, requestId);

    const remembered = await browser.get(authorizeUrl(clientId));
    expect(remembered.status).toBe(303);
    expect(redirectParams(remembered)).toEqual({
      code: expect.any(String),
      state: 's-1',
      iss: ISSUER,
    });

    const wider = await browser.get(authorizeUrl(clientId, { scope: 'profile email' }));
    expect(wider.headers.location).toMatch(/^\/consent\?request=/);
    await browser.get(wider.headers.location);
    await decide(browser, wider.headers.location.split('=')[1]);
    expect(await consentRows()).toEqual([{ scope: 'profile email' }]);
    const emailOnly = await browser.get(authorizeUrl(clientId, { scope: 'email' }));
    expect(redirectParams(emailOnly)).toMatchObject({ code: expect.any(String) });
  });

  it('should not share one user’s remembered consent with another user', async () => {
    const first = await pendingConsent('alice');
    expect((await decide(first.browser, first.requestId)).status).toBe(303);
    // pendingConsent asserts that bob is sent to the consent page.
    await pendingConsent('bob');
  });

  it('should skip consent for a client with skip_consent', async () => {
    const { body } = await createClient(t.server, { skip_consent: true }).expect(201);
    const browser = new Browser(t.server);
    await browser.signIn('alice', STRONG_PASSWORD);
    const res = await browser.get(authorizeUrl(body.client_id));
    expect(res.status).toBe(303);
    expect(redirectParams(res)).toEqual({ code: expect.any(String), state: 's-1', iss: ISSUER });
  });

  it("should refuse a decision on another session's request", async () => {
    const { requestId } = await pendingConsent('alice');
    const mallory = new Browser(t.server);
    await mallory.signIn('bob', STRONG_PASSWORD);
    await mallory.get('/login');
    const res = await mallory.post('/consent', {
      csrf_token: mallory.csrf,
      request: requestId,
      decision: 'approve',
    });
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(await codeCount()).toBe(0);
  });

  it('should refuse a decision without the CSRF token, or with another session’s, and keep the request', async () => {
    const { browser, requestId } = await pendingConsent();
    const other = new Browser(t.server);
    await other.get('/login');
    for (const csrf of [undefined, other.csrf]) {
      const form: Record<string, string> = { request: requestId, decision: 'approve' };
      if (csrf) {
        form.csrf_token = csrf;
      }
      const res = await browser.post('/consent', form);
      expect(res.status).toBe(403);
      expect(res.text).toContain('This form has expired.');
    }
    const res = await decide(browser, requestId);
    expect(res.status).toBe(303);
  });

  it('should answer 400 to an unknown decision and keep the request', async () => {
    const { browser, requestId } = await pendingConsent();
    const res = await decide(browser, requestId, 'maybe');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Choose Approve or Deny.');
    const approved = await decide(browser, requestId);
    expect(approved.status).toBe(303);
  });

  it('should show an error page for the consent page when signed out or the request is unknown', async () => {
    const signedOut = await request(t.server).get('/consent?request=abc');
    expect(signedOut.status).toBe(400);
    const browser = new Browser(t.server);
    await browser.signIn('alice', STRONG_PASSWORD);
    for (const path of ['/consent', '/consent?request=nope', '/consent?request=a&request=b']) {
      const res = await browser.get(path);
      expect(res.status).toBe(400);
      expect(res.text).toContain('This authorization request has expired or was already answered.');
    }
  });

  it('should refuse a request that has been pending for more than 10 minutes', async () => {
    const { browser, requestId } = await pendingConsent();
    const [row] = await t.dataSource.query(
      'SELECT id_hash, data FROM sessions WHERE user_id IS NOT NULL',
    );
    const data = JSON.parse(row.data);
    data.pending[requestId].createdAt = Date.now() - 601_000;
    await t.dataSource.query('UPDATE sessions SET data = ? WHERE id_hash = ?', [
      JSON.stringify(data),
      row.id_hash,
    ]);
    const res = await decide(browser, requestId);
    expect(res.status).toBe(400);
    expect(await codeCount()).toBe(0);
  });

  it('should refuse the decision when the client was disabled in the meantime', async () => {
    const { browser, requestId } = await pendingConsent();
    await request(t.server)
      .patch(`/admin/clients/${clientId}`)
      .set(adminAuth)
      .send({ enabled: false })
      .expect(200);
    const res = await decide(browser, requestId);
    expect(res.status).toBe(400);
    expect(await codeCount()).toBe(0);
  });

  describe('checked against the client as it is at the decision', () => {
    const REMOVED = 'https://app.example.com/removed';
    const patchClient = (changes: Record<string, unknown>) =>
      request(t.server)
        .patch(`/admin/clients/${clientId}`)
        .set(adminAuth)
        .send(changes)
        .expect(200);

    it('should show an error page and never redirect when the redirect URI was removed since the consent page', async () => {
      await patchClient({ redirect_uris: [CALLBACK, REMOVED] });
      const { browser, requestId } = await pendingConsent('alice', { redirect_uri: REMOVED });
      await patchClient({ redirect_uris: [CALLBACK] });
      const res = await decide(browser, requestId);
      expect(res.status).toBe(400);
      expect(res.headers).toMatchObject(PAGE_HEADERS);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain(
        'This application no longer uses the address it asked to return to.',
      );
      expect(await codeCount()).toBe(0);
      expect(await consentRows()).toEqual([]);
    });

    it('should redirect invalid_scope when the client may no longer have a scope it asked for', async () => {
      const { browser, requestId } = await pendingConsent('alice', { scope: 'profile email' });
      await patchClient({ scope: 'profile' });
      const res = await decide(browser, requestId);
      expect(res.status).toBe(303);
      expect(redirectParams(res)).toEqual({
        error: 'invalid_scope',
        error_description: 'the client may no longer request: email',
        state: 's-1',
        iss: ISSUER,
      });
      expect(await codeCount()).toBe(0);
      expect(await consentRows()).toEqual([]);
    });

    it('should check the same when the consent page is shown', async () => {
      await patchClient({ redirect_uris: [CALLBACK, REMOVED] });
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      const start = await browser.get(authorizeUrl(clientId, { redirect_uri: REMOVED }));
      await patchClient({ redirect_uris: [CALLBACK] });
      const res = await browser.get(start.headers.location);
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    });

    it('should check the same when a request resumed after login has remembered consent', async () => {
      await patchClient({ redirect_uris: [CALLBACK, REMOVED] });
      const first = await pendingConsent('alice', { redirect_uri: REMOVED });
      expect((await decide(first.browser, first.requestId)).status).toBe(303);
      const browser = new Browser(t.server);
      await browser.get(authorizeUrl(clientId, { redirect_uri: REMOVED }));
      await browser.get('/login');
      await patchClient({ redirect_uris: [CALLBACK] });
      const res = await browser.login('alice', STRONG_PASSWORD);
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(await codeCount()).toBe(1);
    });
  });

  // RFC 8252 §8.6: a native app (public client, loopback redirect) is asked each time. Private-use
  // schemes cannot be registered yet; consent-policy.spec.ts covers them.
  describe('remembered consent and native apps', () => {
    const approveTwice = async (fields: Record<string, unknown>, redirectUri: string) => {
      const { body } = await createClient(t.server, {
        redirect_uris: [redirectUri],
        scope: 'profile',
        ...fields,
      }).expect(201);
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      const url = (params: Record<string, string> = {}) =>
        authorizeUrl(body.client_id, { redirect_uri: redirectUri, ...params });
      const first = await browser.get(url());
      expect(first.headers.location).toMatch(/^\/consent\?request=/);
      await browser.get(first.headers.location);
      const approved = await decide(browser, first.headers.location.split('=')[1]);
      expect(approved.status).toBe(303);
      expect(approved.headers.location.startsWith(`${redirectUri}?code=`)).toBe(true);
      return {
        second: await browser.get(url()),
        silent: await browser.get(url({ prompt: 'none', scope: 'openid profile' })),
      };
    };

    it.each([
      { redirectUri: 'http://127.0.0.1:8400/cb' },
      { redirectUri: 'http://localhost:8400/cb' },
    ])(
      'should ask again and answer prompt=none with consent_required when a public client redirects to $redirectUri',
      async ({ redirectUri }) => {
        const { second, silent } = await approveTwice(
          { token_endpoint_auth_method: 'none', scope: 'openid profile' },
          redirectUri,
        );
        expect(second.status).toBe(303);
        expect(second.headers.location).toMatch(/^\/consent\?request=[\w-]{22}$/);
        expect(silent.status).toBe(303);
        expect(silent.headers.location.startsWith(`${redirectUri}?error=consent_required&`)).toBe(
          true,
        );
        expect(redirectParams(silent)).toMatchObject({ error: 'consent_required', state: 's-1' });
      },
    );

    it.each([
      {
        kind: 'a public SPA with an https redirect',
        fields: { token_endpoint_auth_method: 'none' },
      },
      { kind: 'a confidential client', fields: {} },
    ])('should remember consent for $kind', async ({ fields }) => {
      const { second } = await approveTwice(fields, 'https://spa.example.com/cb');
      expect(second.status).toBe(303);
      expect(redirectParams(second)).toEqual({
        code: expect.any(String),
        state: 's-1',
        iss: ISSUER,
      });
    });
  });

  it('should issue exactly one code when Approve is sent many times at once', async () => {
    const { browser, requestId } = await pendingConsent();
    const form = { csrf_token: browser.csrf, request: requestId, decision: 'approve' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => browser.post('/consent', form)),
    );
    const statuses = results.map((res) => res.status);
    expect(statuses.filter((status) => status === 303)).toHaveLength(1);
    expect(statuses.every((status) => [303, 400, 409].includes(status))).toBe(true);
    expect(await codeCount()).toBe(1);
  });
});
