import { decodeJwt } from 'jose';
import { createUser, STRONG_PASSWORD } from './factories';
import { Browser, PAGE_HEADERS, pkcePair } from './helpers/browser';
import {
  CALLBACK,
  ClientCredentials,
  registerClient,
  registerTrustedClient,
  tokenRequest,
} from './helpers/oauth';
import {
  authorizeIn,
  exchangeOpenIdCode,
  OIDC_ISSUER,
  openIdCode,
  verifyIdToken,
} from './helpers/oidc';
import { createTestApp, TestApp } from './helpers/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Basic OP modules about prompt, max_age and the hints (OpenID Connect Core §3.1.2.1), and the ID
// token of the password grant.
describe('OpenID Connect Basic OP: prompt, max_age, hints', () => {
  let t: TestApp;
  let client: ClientCredentials;
  let aliceId: string;

  beforeAll(async () => {
    t = await createTestApp({ ISSUER: OIDC_ISSUER });
    aliceId = (await createUser(t.server).expect(201)).body.id;
    await createUser(t.server, { username: 'bob' }).expect(201);
    client = await registerClient(t.server);
  });
  afterAll(async () => {
    await t.close();
  });

  const request = (extra: Record<string, string>) => ({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: CALLBACK,
    scope: 'openid',
    state: 'st',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...extra,
  });

  // A browser signed in as alice that has approved the client once.
  const signedInBrowser = async () => {
    const issued = await openIdCode(t.server, client.id);
    return { browser: issued.browser, issued };
  };

  const idTokenOf = async (issued: { code: string; verifier: string; browser: Browser }) =>
    decodeJwt((await exchangeOpenIdCode(t.server, client, issued).expect(200)).body.id_token);

  it('should sign in again and move auth_time with prompt=login (oidcc-prompt-login)', async () => {
    const { browser, issued } = await signedInBrowser();
    const first = await idTokenOf(issued);
    await sleep(1100);
    const { verifier, challenge } = pkcePair();
    const res = await browser.get(
      `/oauth/authorize?${new URLSearchParams(request({ prompt: 'login', code_challenge: challenge })).toString()}`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    const page = await browser.get('/login');
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="password"');
    expect(page.text).toContain('value="alice"');
    const login = await browser.login('alice', STRONG_PASSWORD);
    expect(login.status).toBe(303);
    const code = new URL(login.headers.location).searchParams.get('code')!;
    const second = await idTokenOf({ code, verifier, browser });
    expect(second.auth_time).toBeGreaterThan(first.auth_time as number);
    expect(second.sid).not.toBe(first.sid);
  });

  it.each<Record<string, string>>([{ prompt: 'login' }, { max_age: '0' }])(
    'should not let the consent page approve a request with %o before the sign-in it asks for',
    async (extra) => {
      const other = await registerClient(t.server, { client_name: 'Asks to sign in again' });
      const { browser } = await signedInBrowser();
      const res = await browser.get(
        `/oauth/authorize?${new URLSearchParams(request({ client_id: other.id, ...extra })).toString()}`,
      );
      expect(res.headers.location).toBe('/login');
      await browser.get('/login');
      const requestId = browser.hidden.request;
      expect(requestId).toEqual(expect.any(String));
      const consent = await browser.get(`/consent?request=${requestId}`);
      expect(consent.status).toBe(303);
      expect(consent.headers.location).toBe('/login');
      const login = await browser.login('alice', STRONG_PASSWORD);
      expect(login.status).toBe(303);
      expect(login.headers.location).toBe(`/consent?request=${requestId}`);
    },
  );

  it('should answer login_required by redirect with prompt=none when signed out (oidcc-prompt-none-not-logged-in)', async () => {
    const { res, params } = await authorizeIn(new Browser(t.server), request({ prompt: 'none' }));
    expect(res.status).toBe(303);
    expect(params).toEqual({
      error: 'login_required',
      error_description: 'the user must sign in',
      state: 'st',
      iss: OIDC_ISSUER,
    });
  });

  it('should issue a code without a page with prompt=none when signed in (oidcc-prompt-none-logged-in)', async () => {
    const { browser } = await signedInBrowser();
    const { verifier, challenge } = pkcePair();
    const res = await browser.get(
      `/oauth/authorize?${new URLSearchParams(request({ prompt: 'none', code_challenge: challenge })).toString()}`,
    );
    expect(res.status).toBe(303);
    const code = new URL(res.headers.location).searchParams.get('code')!;
    expect((await idTokenOf({ code, verifier, browser })).sub).toBe(aliceId);
  });

  it('should answer consent_required with prompt=none when consent was never given', async () => {
    const other = await registerClient(t.server, { client_name: 'Never approved' });
    const browser = new Browser(t.server);
    await browser.signIn('bob', STRONG_PASSWORD);
    const { params } = await authorizeIn(browser, request({ client_id: other.id, prompt: 'none' }));
    expect(params.error).toBe('consent_required');
  });

  it('should show the consent page again with prompt=consent', async () => {
    const { browser } = await signedInBrowser();
    const res = await browser.get(
      `/oauth/authorize?${new URLSearchParams(request({ prompt: 'consent' })).toString()}`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/consent\?request=/);
  });

  it('should offer the sign-in form with the current account for prompt=select_account', async () => {
    const { browser } = await signedInBrowser();
    const res = await browser.get(
      `/oauth/authorize?${new URLSearchParams(request({ prompt: 'select_account' })).toString()}`,
    );
    expect(res.headers.location).toBe('/login');
    const page = await browser.get('/login');
    expect(page.text).toContain('value="alice"');
    const login = await browser.login('bob', STRONG_PASSWORD);
    expect(login.headers.location).toMatch(/^\/consent\?request=/);
  });

  it('should sign in again when the sign-in is older than max_age=1 (oidcc-max-age-1)', async () => {
    const { browser } = await signedInBrowser();
    await sleep(2100);
    const res = await browser.get(
      `/oauth/authorize?${new URLSearchParams(request({ max_age: '1' })).toString()}`,
    );
    expect(res.headers.location).toBe('/login');
  });

  it('should not sign in again within max_age=10000 and keep auth_time (oidcc-max-age-10000)', async () => {
    const { browser, issued } = await signedInBrowser();
    const first = await idTokenOf(issued);
    const again = await openIdCode(t.server, client.id, { max_age: '10000' }, browser);
    expect((await idTokenOf(again)).auth_time).toBe(first.auth_time);
  });

  it('should always sign in again with max_age=0', async () => {
    const { browser } = await signedInBrowser();
    const res = await browser.get(
      `/oauth/authorize?${new URLSearchParams(request({ max_age: '0' })).toString()}`,
    );
    expect(res.headers.location).toBe('/login');
  });

  it('should refuse a max_age that is not a number', async () => {
    const { params } = await authorizeIn(new Browser(t.server), request({ max_age: '-1' }));
    expect(params.error).toBe('invalid_request');
    expect(params.error_description).toBe('max_age must be a number of seconds');
  });

  it('should accept its own ID token as id_token_hint and refuse one naming another user with prompt=none (oidcc-id-token-hint)', async () => {
    const { browser, issued } = await signedInBrowser();
    const tokens = await exchangeOpenIdCode(t.server, client, issued).expect(200);
    const hinted = await openIdCode(
      t.server,
      client.id,
      { prompt: 'none', id_token_hint: tokens.body.id_token },
      browser,
    );
    expect((await idTokenOf(hinted)).sub).toBe(aliceId);

    const bob = new Browser(t.server);
    await bob.signIn('bob', STRONG_PASSWORD);
    const { params } = await authorizeIn(
      bob,
      request({ prompt: 'none', id_token_hint: tokens.body.id_token }),
    );
    expect(params.error).toBe('login_required');
  });

  it('should refuse an id_token_hint that does not verify', async () => {
    const { browser } = await signedInBrowser();
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: aliceId, aud: client.id, iss: OIDC_ISSUER }),
    ).toString('base64url')}.`;
    const { params } = await authorizeIn(browser, request({ id_token_hint: forged }));
    expect(params).toEqual({
      error: 'invalid_request',
      error_description: 'id_token_hint is not a valid ID token issued to this client',
      state: 'st',
      iss: OIDC_ISSUER,
    });
  });

  it('should prefill the sign-in form with login_hint (oidcc-login-hint)', async () => {
    const browser = new Browser(t.server);
    const res = await browser.get(
      `/oauth/authorize?${new URLSearchParams(request({ login_hint: 'bob' })).toString()}`,
    );
    expect(res.headers.location).toBe('/login');
    const page = await browser.get('/login');
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject(PAGE_HEADERS);
    expect(page.text).toContain('value="bob"');
  });

  it('should return an ID token from the password grant when openid is asked', async () => {
    const trusted = await registerTrustedClient(t.server);
    const res = await tokenRequest(t.server, trusted, {
      grant_type: 'password',
      username: 'alice',
      password: STRONG_PASSWORD,
      scope: 'openid email',
    });
    expect(res.status).toBe(200);
    const { payload } = await verifyIdToken(t.server, res.body.id_token, trusted.id);
    expect(payload).toEqual({
      iss: OIDC_ISSUER,
      sub: aliceId,
      aud: trusted.id,
      exp: payload.iat! + 3600,
      iat: expect.any(Number),
      auth_time: expect.any(Number),
      at_hash: expect.any(String),
      azp: trusted.id,
      amr: ['pwd'],
    });
    const plain = await tokenRequest(t.server, trusted, {
      grant_type: 'password',
      username: 'alice',
      password: STRONG_PASSWORD,
    }).expect(200);
    expect(plain.body.id_token).toBeUndefined();
  });
});
