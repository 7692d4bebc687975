import request from 'supertest';
import { createUser, STRONG_PASSWORD } from './factories';
import { Browser, PAGE_HEADERS, pkcePair } from './helpers/browser';
import { CALLBACK, ClientCredentials, registerClient } from './helpers/oauth';
import { authorizeIn, exchangeOpenIdCode, OIDC_ISSUER, openIdCode } from './helpers/oidc';
import { createTestApp, TestApp } from './helpers/test-app';

const SIGNED_OUT = 'https://app.example.com/signed-out';

// OpenID Foundation RP-Initiated Logout OP profile (OpenID Connect RP-Initiated Logout 1.0).
describe('OpenID Connect RP-Initiated Logout OP', () => {
  let t: TestApp;
  let client: ClientCredentials;

  beforeAll(async () => {
    t = await createTestApp({ ISSUER: OIDC_ISSUER });
    await createUser(t.server).expect(201);
    await createUser(t.server, { username: 'bob' }).expect(201);
    client = await registerClient(t.server, { post_logout_redirect_uris: [SIGNED_OUT] });
  });
  afterAll(async () => {
    await t.close();
  });

  // A browser signed in as `username`, and an ID token of that sign-in.
  const signedIn = async (username = 'alice') => {
    const browser = new Browser(t.server);
    await browser.signIn(username, STRONG_PASSWORD);
    const issued = await openIdCode(t.server, client.id, {}, browser);
    const tokens = await exchangeOpenIdCode(t.server, client, issued).expect(200);
    return { browser, idToken: tokens.body.id_token as string };
  };

  const logoutPath = (params: Record<string, string>) =>
    `/oauth/logout?${new URLSearchParams(params).toString()}`;

  // Whether the browser's session still signs it in: prompt=none answers a code, or login_required.
  const isSignedIn = async (browser: Browser) => {
    const { params } = await authorizeIn(browser, {
      response_type: 'code',
      client_id: client.id,
      redirect_uri: CALLBACK,
      scope: 'openid',
      prompt: 'none',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    return params.code !== undefined;
  };

  it('should sign out at once with a valid hint and return to the registered URI with state (oidcc-rp-initiated-logout)', async () => {
    const { browser, idToken } = await signedIn();
    expect(await isSignedIn(browser)).toBe(true);
    const res = await browser.get(
      logoutPath({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: 'xyz' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${SIGNED_OUT}?state=xyz`);
    expect(res.headers['set-cookie']).toEqual([expect.stringMatching(/^portcullis=; /)]);
    expect(await isSignedIn(browser)).toBe(false);
  });

  it('should return without state when none was sent (oidcc-rp-initiated-logout-no-state)', async () => {
    const { browser, idToken } = await signedIn();
    const res = await browser.get(
      logoutPath({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(SIGNED_OUT);
  });

  it('should accept the logout request by POST', async () => {
    const { browser, idToken } = await signedIn();
    const res = await browser.post('/oauth/logout', {
      id_token_hint: idToken,
      post_logout_redirect_uri: SIGNED_OUT,
      state: 'posted',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${SIGNED_OUT}?state=posted`);
    expect(await isSignedIn(browser)).toBe(false);
  });

  it.each([
    [
      'an unregistered post_logout_redirect_uri',
      'https://attacker.example.com/',
      'post_logout_redirect_uri is not registered for this application.',
    ],
    [
      'a query added to the registered URI',
      `${SIGNED_OUT}?x=1`,
      'post_logout_redirect_uri is not registered for this application.',
    ],
  ])(
    'should show an error and never redirect for %s (oidcc-rp-initiated-logout-bad-post-logout-redirect-uri, -query-added)',
    async (_, uri, message) => {
      const { browser, idToken } = await signedIn();
      const res = await browser.get(
        logoutPath({ id_token_hint: idToken, post_logout_redirect_uri: uri, state: 's' }),
      );
      expect(res.status).toBe(400);
      expect(res.headers).toMatchObject(PAGE_HEADERS);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain(message);
      expect(await isSignedIn(browser)).toBe(true);
    },
  );

  it('should refuse a modified id_token_hint (oidcc-rp-initiated-logout-modified-id-token-hint)', async () => {
    const { browser, idToken } = await signedIn();
    const [header, payload, signature] = idToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = [
      header,
      Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url'),
      signature,
    ].join('.');
    const res = await browser.get(
      logoutPath({ id_token_hint: forged, post_logout_redirect_uri: SIGNED_OUT }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('id_token_hint is not an ID token issued by this server.');
    expect(await isSignedIn(browser)).toBe(true);
  });

  it('should refuse a hint issued to another client than client_id', async () => {
    const other = await registerClient(t.server, { client_name: 'Other' });
    const { browser, idToken } = await signedIn();
    const res = await browser.get(logoutPath({ id_token_hint: idToken, client_id: other.id }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('id_token_hint was issued to another client than client_id.');
  });

  it('should ask the user without a hint, and sign out only after a CSRF-checked confirmation (oidcc-rp-initiated-logout-no-id-token-hint)', async () => {
    const { browser } = await signedIn();
    const res = await browser.get(
      logoutPath({ client_id: client.id, post_logout_redirect_uri: SIGNED_OUT, state: 'q' }),
    );
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(PAGE_HEADERS);
    expect(res.text).toContain('<h1>Sign out?</h1>');
    expect(res.text).toContain('<strong>Acme Dashboard</strong> asks to sign you out');
    expect(await isSignedIn(browser)).toBe(true);

    const forged = await request(t.server)
      .post('/oauth/logout/confirm')
      .set('Cookie', `portcullis=${browser.cookie}`)
      .type('form')
      .send({ logout: browser.hidden.logout, decision: 'sign_out', csrf_token: 'wrong' });
    expect(forged.status).toBe(403);
    expect(await isSignedIn(browser)).toBe(true);

    await browser.get(
      logoutPath({ client_id: client.id, post_logout_redirect_uri: SIGNED_OUT, state: 'q' }),
    );
    const confirmed = await browser.post('/oauth/logout/confirm', {
      ...browser.hidden,
      decision: 'sign_out',
    });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe(`${SIGNED_OUT}?state=q`);
    expect(await isSignedIn(browser)).toBe(false);
  });

  it('should keep the session when the user chooses to stay signed in', async () => {
    const { browser } = await signedIn();
    await browser.get(logoutPath({ client_id: client.id }));
    const res = await browser.post('/oauth/logout/confirm', {
      ...browser.hidden,
      decision: 'stay',
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain('You are still signed in.');
    expect(await isSignedIn(browser)).toBe(true);
  });

  it('should ask for confirmation with no parameters and show the signed-out page (oidcc-rp-initiated-logout-no-params)', async () => {
    const { browser } = await signedIn();
    const res = await browser.get('/oauth/logout');
    expect(res.status).toBe(200);
    expect(res.text).toContain('An application asks to sign you out');
    const confirmed = await browser.post('/oauth/logout/confirm', {
      ...browser.hidden,
      decision: 'sign_out',
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain('You are signed out.');
    expect(await isSignedIn(browser)).toBe(false);
  });

  it('should ask for confirmation when the hint names another user than the signed-in one', async () => {
    const { idToken } = await signedIn('bob');
    const { browser } = await signedIn('alice');
    const res = await browser.get(logoutPath({ id_token_hint: idToken }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Signed in as alice.');
    expect(await isSignedIn(browser)).toBe(true);
  });

  it("should ask for confirmation when the hint is an ID token of the user's earlier session", async () => {
    const { idToken: earlier } = await signedIn('alice');
    const { browser } = await signedIn('alice');
    const res = await browser.get(logoutPath({ id_token_hint: earlier }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Signed in as alice.');
    expect(await isSignedIn(browser)).toBe(true);
  });

  it('should refuse post_logout_redirect_uri without a client to check it against (oidcc-rp-initiated-logout-no-client-id)', async () => {
    const { browser } = await signedIn();
    const res = await browser.get(logoutPath({ post_logout_redirect_uri: SIGNED_OUT }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('post_logout_redirect_uri needs id_token_hint or client_id.');
  });

  it('should refuse a repeated parameter', async () => {
    const res = await request(t.server).get(`/oauth/logout?state=a&state=b&client_id=${client.id}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('state must be given once, as a single value.');
  });

  it('should validate post_logout_redirect_uris like redirect URIs', async () => {
    const res = await request(t.server)
      .post('/admin/clients')
      .set('Authorization', 'Bearer test-admin-key-0123456789abcdef0123456789')
      .send({
        client_name: 'Bad',
        redirect_uris: [CALLBACK],
        post_logout_redirect_uris: ['http://example.com/out'],
      });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual({
      post_logout_redirect_uris: [
        'post_logout_redirect_uris [0] must use https (http is allowed only for localhost, 127.0.0.1 and [::1])',
      ],
    });
  });
});
