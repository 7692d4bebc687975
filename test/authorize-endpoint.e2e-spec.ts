import request from 'supertest';
import { createClient, createUser, STRONG_PASSWORD } from './factories';
import { Browser, PAGE_HEADERS, pkcePair, redirectParams } from './helpers/browser';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const ISSUER = 'http://localhost:3000';
const CALLBACK = 'https://app.example.com/callback';

describe('authorization endpoint', () => {
  let t: TestApp;
  let clientId: string;
  let browser: Browser;

  const query = (params: Record<string, string | undefined>) => {
    const defined = Object.entries(params).filter(([, value]) => value !== undefined);
    return new URLSearchParams(defined as [string, string][]).toString();
  };
  const validParams = (overrides: Record<string, string | undefined> = {}) => ({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: 'profile',
    state: 'af0ifjsldkj',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...overrides,
  });
  const authorize = (overrides: Record<string, string | undefined> = {}) =>
    browser.get(`/oauth/authorize?${query(validParams(overrides))}`);

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    const { body } = await createClient(t.server, {
      scope: 'profile email',
      skip_consent: true,
      redirect_uris: [CALLBACK, 'https://app.example.com/cb?tenant=7'],
    }).expect(201);
    clientId = body.client_id;
    // Signed in, so a request that passes validation ends at the client with a code: any answer
    // that is not a code shows exactly which check refused it.
    browser = new Browser(t.server);
    await browser.signIn('alice', STRONG_PASSWORD);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('a client or redirect URI that cannot be verified gets an error page, never a redirect', () => {
    it.each([
      ['the client is unknown', { client_id: 'no-such-client' }, 'invalid_client'],
      ['client_id is missing', { client_id: undefined }, 'invalid_request'],
      ['the redirect URI differs in case', { redirect_uri: 'https://APP.example.com/callback' }],
      ['the redirect URI has a trailing slash', { redirect_uri: `${CALLBACK}/` }],
      [
        'the redirect URI names the default port',
        { redirect_uri: 'https://app.example.com:443/callback' },
      ],
      [
        'the redirect URI is percent-encoded',
        { redirect_uri: 'https://app.example.com/%63allback' },
      ],
      [
        'the redirect URI has userinfo',
        { redirect_uri: 'https://app.example.com@evil.example/callback' },
      ],
      [
        'the redirect URI has dot segments',
        { redirect_uri: 'https://app.example.com/x/../callback' },
      ],
      ['the redirect URI adds a query', { redirect_uri: `${CALLBACK}?next=evil` }],
      ['the redirect URI is another host', { redirect_uri: 'https://evil.example/callback' }],
      ['the redirect URI is omitted and two are registered', { redirect_uri: undefined }],
      ['the client_id has a trailing space', { client_id: 'X ' }, 'invalid_client'],
      [
        'the redirect URI is wrong and everything else too',
        { redirect_uri: 'https://evil.example/cb', response_type: 'token', scope: 'admin' },
      ],
    ])(
      'should answer 400 with an error page when %s',
      async (_case, overrides: Record<string, string | undefined>, code = 'invalid_request') => {
        // 'X ' stands for the real client id with a trailing space (not known when this is read).
        const given =
          overrides.client_id === 'X ' ? { ...overrides, client_id: `${clientId} ` } : overrides;
        const res = await authorize(given);
        expect(res.status).toBe(400);
        expect(res.headers.location).toBeUndefined();
        expect(res.headers).toMatchObject(PAGE_HEADERS);
        expect(res.text).toContain(`<code>${code}</code>`);
        expect(res.text).not.toContain('evil');
      },
    );

    it('should show an error page for a disabled client', async () => {
      const { body } = await createClient(t.server, { client_name: 'Off' }).expect(201);
      await request(t.server)
        .patch(`/admin/clients/${body.client_id}`)
        .set(adminAuth)
        .send({ enabled: false })
        .expect(200);
      const res = await authorize({ client_id: body.client_id });
      expect(res.status).toBe(400);
      expect(res.text).toContain('<code>invalid_client</code>');
    });

    it.each([
      ['client_id is repeated', `client_id=${'X'}&client_id=${'Y'}`],
      ['redirect_uri is repeated', `redirect_uri=${encodeURIComponent(CALLBACK)}&redirect_uri=x`],
    ])('should answer 400 invalid_request when %s', async (_case, repeated) => {
      const params = validParams({ client_id: undefined, redirect_uri: undefined });
      const extra = repeated.replace(/X|Y/g, () => clientId);
      const res = await browser.get(`/oauth/authorize?${query(params)}&${extra}`);
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('<code>invalid_request</code>');
    });

    it('should not redirect to an unregistered URI even for a signed-out user after login', async () => {
      const fresh = new Browser(t.server);
      const res = await fresh.get(
        `/oauth/authorize?${query(validParams({ redirect_uri: 'https://evil.example/cb' }))}`,
      );
      expect(res.status).toBe(400);
      const login = await fresh.signIn('alice', STRONG_PASSWORD);
      expect(login.status).toBe(303);
      expect(login.headers.location).toBe('/login');
    });
  });

  describe('once client and redirect URI are verified, errors go back to the client', () => {
    it.each([
      ['response_type is missing', { response_type: undefined }, 'invalid_request'],
      ['response_type is token', { response_type: 'token' }, 'unsupported_response_type'],
      ['the scope is not allowed for the client', { scope: 'profile admin' }, 'invalid_scope'],
      ['the scope is malformed', { scope: 'profile  email' }, 'invalid_scope'],
      [
        'code_challenge is missing',
        { code_challenge: undefined, code_challenge_method: undefined },
        'invalid_request',
      ],
      ['code_challenge_method is plain', { code_challenge_method: 'plain' }, 'invalid_request'],
      ['code_challenge_method is missing', { code_challenge_method: undefined }, 'invalid_request'],
      ['code_challenge is too short', { code_challenge: 'abc' }, 'invalid_request'],
      // No S256 of a verifier is longer than 43 characters: such a code could never be redeemed.
      ['code_challenge is 44 characters', { code_challenge: 'a'.repeat(44) }, 'invalid_request'],
      ['code_challenge is 128 characters', { code_challenge: 'a'.repeat(128) }, 'invalid_request'],
      [
        'code_challenge has a character outside base64url',
        { code_challenge: `${'a'.repeat(42)}.` },
        'invalid_request',
      ],
    ])('should redirect with the error when %s', async (_case, overrides, error) => {
      const res = await authorize(overrides);
      expect(res.status).toBe(303);
      expect(res.headers.location.startsWith(`${CALLBACK}?`)).toBe(true);
      expect(redirectParams(res)).toEqual({
        error,
        error_description: expect.any(String),
        state: 'af0ifjsldkj',
        iss: ISSUER,
      });
    });

    it('should check response_type before scope and scope before PKCE (RFC 6749 §4.1.2.1 order)', async () => {
      const all = { response_type: 'token', scope: 'admin', code_challenge: undefined };
      expect(redirectParams(await authorize(all)).error).toBe('unsupported_response_type');
      const scopeAndPkce = { scope: 'admin', code_challenge: undefined };
      expect(redirectParams(await authorize(scopeAndPkce)).error).toBe('invalid_scope');
    });

    it('should answer unauthorized_client when the client may not use the code grant', async () => {
      const { body } = await createClient(t.server, {
        grant_types: ['password'],
      }).expect(201);
      const res = await authorize({ client_id: body.client_id, redirect_uri: CALLBACK });
      expect(res.status).toBe(303);
      expect(redirectParams(res)).toMatchObject({ error: 'unauthorized_client', iss: ISSUER });
    });

    it.each([
      ['scope', 'scope=profile&scope=email'],
      ['state', 'state=a&state=b'],
      [
        'code_challenge',
        `code_challenge=${pkcePair().challenge}&code_challenge=${pkcePair().challenge}`,
      ],
      ['response_type', 'response_type=code&response_type=code'],
    ])(
      'should answer invalid_request when %s is repeated, never first-wins',
      async (name, repeated) => {
        const params = validParams({ [name]: undefined });
        const res = await browser.get(`/oauth/authorize?${query(params)}&${repeated}`);
        expect(res.status).toBe(303);
        expect(redirectParams(res)).toMatchObject({ error: 'invalid_request', iss: ISSUER });
      },
    );

    it('should answer invalid_request for a structured parameter in the query', async () => {
      const params = validParams({ scope: undefined });
      const res = await browser.get(`/oauth/authorize?${query(params)}&scope[x]=profile`);
      expect(res.status).toBe(303);
      expect(redirectParams(res)).toMatchObject({ error: 'invalid_request', state: 'af0ifjsldkj' });
    });

    it('should answer invalid_request, without echoing it, for a state over 2048 characters', async () => {
      const res = await authorize({ state: 'x'.repeat(2049) });
      expect(res.status).toBe(303);
      expect(redirectParams(res)).toEqual({
        error: 'invalid_request',
        error_description: 'state is longer than 2048 characters',
        iss: ISSUER,
      });
    });

    it('should keep five pending requests with the longest states in one session on both engines', async () => {
      const fresh = new Browser(t.server);
      for (let i = 0; i < 7; i += 1) {
        const res = await fresh.get(
          `/oauth/authorize?${query(validParams({ state: 's'.repeat(2048), scope: 'profile email' }))}`,
        );
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('/login');
      }
    });

    it('should treat an empty state as absent', async () => {
      const res = await authorize({ state: '', response_type: 'token' });
      expect(res.headers.location).not.toContain('state=');
    });

    it('should echo the state exactly, and leave it out when none was sent', async () => {
      const state = 'a b&c=d/é<>"\'%20+';
      const res = await authorize({ state, response_type: 'token' });
      expect(redirectParams(res).state).toBe(state);
      const without = await authorize({ state: undefined, response_type: 'token' });
      expect(redirectParams(without)).toEqual({
        error: 'unsupported_response_type',
        error_description: expect.any(String),
        iss: ISSUER,
      });
    });

    it('should keep the query of a registered redirect URI and append to it', async () => {
      const res = await authorize({ redirect_uri: 'https://app.example.com/cb?tenant=7' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(
        /^https:\/\/app\.example\.com\/cb\?tenant=7&code=[\w-]{43}&state=af0ifjsldkj&iss=http%3A%2F%2Flocalhost%3A3000$/,
      );
    });
  });

  // A header cannot carry such characters raw: sending them would throw, and an error page raised
  // while answering must not end the process either.
  describe('a registered redirect URI with characters beyond ASCII', () => {
    const UNICODE_CALLBACK = 'https://app.example.com/cb/中é';
    const ENCODED_CALLBACK = 'https://app.example.com/cb/%E4%B8%AD%C3%A9';
    let unicodeClientId: string;

    beforeAll(async () => {
      const { body } = await createClient(t.server, {
        skip_consent: true,
        redirect_uris: [UNICODE_CALLBACK],
      }).expect(201);
      unicodeClientId = body.client_id;
    });

    it.each([
      ['a code', 'code', /^\?code=[\w-]{43}&state=af0ifjsldkj&iss=/],
      ['an error', 'token', /^\?error=unsupported_response_type&error_description=/],
    ])('should send %s there percent-encoded, and keep serving', async (_, responseType, query) => {
      const res = await authorize({
        client_id: unicodeClientId,
        redirect_uri: UNICODE_CALLBACK,
        response_type: responseType,
      });
      expect(res.status).toBe(303);
      expect(res.headers.location.startsWith(ENCODED_CALLBACK)).toBe(true);
      expect(res.headers.location.slice(ENCODED_CALLBACK.length)).toMatch(query);
      await request(t.server).get('/health/live').expect(200);
    });
  });

  describe('a valid request', () => {
    it('should issue a code with state and iss, defaulting the scope to the client scope', async () => {
      const res = await authorize({ scope: undefined });
      expect(res.status).toBe(303);
      expect(res.headers.location.startsWith(`${CALLBACK}?code=`)).toBe(true);
      expect(redirectParams(res)).toEqual({
        code: expect.stringMatching(/^[\w-]{43}$/),
        state: 'af0ifjsldkj',
        iss: ISSUER,
      });
      expect(res.headers).toMatchObject({
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      const [row] = await t.dataSource.query(
        'SELECT scope, code_challenge, code_hash FROM authorization_codes ORDER BY created_at DESC LIMIT 1',
      );
      expect(row.scope).toBe('profile email');
      expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.code_hash).not.toBe(redirectParams(res).code);
    });

    it('should use the only registered redirect URI when none is given', async () => {
      const { body } = await createClient(t.server, { skip_consent: true }).expect(201);
      const res = await authorize({ client_id: body.client_id, redirect_uri: undefined });
      expect(res.status).toBe(303);
      expect(res.headers.location.startsWith(`${CALLBACK}?code=`)).toBe(true);
    });

    it('should accept a POST with a form-encoded body', async () => {
      const res = await browser.post('/oauth/authorize', validParams());
      expect(res.status).toBe(303);
      expect(res.headers.location.startsWith(`${CALLBACK}?code=`)).toBe(true);
    });

    it('should refuse a POST with a JSON body with an error page', async () => {
      const res = await request(t.server)
        .post('/oauth/authorize')
        .set('Cookie', `portcullis=${browser.cookie}`)
        .send(validParams());
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('<code>invalid_request</code>');
    });

    it('should answer invalid_request when a POSTed parameter is structured', async () => {
      const params = validParams({ scope: undefined });
      const res = await request(t.server)
        .post('/oauth/authorize')
        .set('Cookie', `portcullis=${browser.cookie}`)
        .type('form')
        .send(`${query(params)}&scope[a]=profile`);
      expect(res.status).toBe(303);
      expect(redirectParams(res)).toMatchObject({ error: 'invalid_request', state: 'af0ifjsldkj' });
    });

    it('should answer 400 invalid_request when a POSTed client_id is an array', async () => {
      const params = validParams({ client_id: undefined });
      const res = await request(t.server)
        .post('/oauth/authorize')
        .type('form')
        .send(`${query(params)}&client_id[]=${clientId}`);
      expect(res.status).toBe(400);
      expect(res.text).toContain('<code>invalid_request</code>');
    });

    it('should accept a confidential client without PKCE when require_pkce is false', async () => {
      const { body } = await createClient(t.server, { require_pkce: false, skip_consent: true });
      const res = await authorize({
        client_id: body.client_id,
        code_challenge: undefined,
        code_challenge_method: undefined,
      });
      expect(res.status).toBe(303);
      expect(redirectParams(res)).toMatchObject({ code: expect.any(String) });
    });

    it('should require PKCE from a public client', async () => {
      const { body } = await createClient(t.server, {
        token_endpoint_auth_method: 'none',
        skip_consent: true,
      }).expect(201);
      const res = await authorize({
        client_id: body.client_id,
        code_challenge: undefined,
        code_challenge_method: undefined,
      });
      expect(redirectParams(res)).toEqual({
        error: 'invalid_request',
        error_description:
          'code_challenge is required (PKCE with S256): public clients always use PKCE',
        state: 'af0ifjsldkj',
        iss: ISSUER,
      });
    });

    it('should name require_pkce when a confidential client sends no code_challenge', async () => {
      const res = await authorize({ code_challenge: undefined, code_challenge_method: undefined });
      expect(res.status).toBe(303);
      expect(redirectParams(res)).toEqual({
        error: 'invalid_request',
        error_description:
          'code_challenge is required (PKCE with S256): this client has require_pkce true; ' +
          'an operator may set require_pkce false for a legacy server app that cannot send one',
        state: 'af0ifjsldkj',
        iss: ISSUER,
      });
    });
  });

  describe('cross-origin use', () => {
    it('should send no CORS headers, not even to a preflight', async () => {
      const origin = 'https://app.example.com';
      const get = await authorize().then(() =>
        request(t.server)
          .get(`/oauth/authorize?${query(validParams())}`)
          .set('Origin', origin),
      );
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await request(t.server)
        .options('/oauth/authorize')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    });
  });
});
