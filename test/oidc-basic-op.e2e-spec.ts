import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { createUser } from './factories';
import { Browser, PAGE_HEADERS, pkcePair, redirectParams } from './helpers/browser';
import {
  CALLBACK,
  ClientCredentials,
  exchangeCode,
  expectOAuthError,
  obtainCode,
  refresh,
  registerClient,
  TOKEN_HEADERS,
  tokenRequest,
} from './helpers/oauth';
import {
  authorizeIn,
  exchangeOpenIdCode,
  OIDC_ISSUER,
  openIdCode,
  userinfo,
  verifyIdToken,
} from './helpers/oidc';
import { createTestApp, TestApp } from './helpers/test-app';

const ALICE_CLAIMS = {
  email: 'alice@example.com',
  name: 'Alice Liddell',
  given_name: 'Alice',
  family_name: 'Liddell',
  locale: 'en-GB',
  email_verified: true,
  phone_number: '+44 20 7946 0000',
  address: { street_address: '1 Rabbit Hole', locality: 'Oxford', country: 'GB' },
};

// OpenID Foundation Basic OP certification profile, one test per module (OpenID Connect Core 1.0).
describe('OpenID Connect Basic OP', () => {
  let t: TestApp;
  let client: ClientCredentials;
  let aliceId: string;

  beforeAll(async () => {
    t = await createTestApp({ ISSUER: OIDC_ISSUER });
    aliceId = (await createUser(t.server, ALICE_CLAIMS).expect(201)).body.id;
    client = await registerClient(t.server, { scope: 'profile email phone address' });
  });
  afterAll(async () => {
    await t.close();
  });

  const codeFlow = async (extra: Record<string, string> = {}, who = client) => {
    const issued = await openIdCode(t.server, who.id, extra);
    const res = await exchangeOpenIdCode(t.server, who, issued);
    expect(res.status).toBe(200);
    return { ...res.body, browser: issued.browser } as {
      access_token: string;
      id_token: string;
      refresh_token: string;
      scope: string;
      browser: Browser;
    };
  };

  it('should pass the server test: code flow with every ID token check (oidcc-server)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const issued = await openIdCode(t.server, client.id);
    const res = await exchangeOpenIdCode(t.server, client, issued);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(TOKEN_HEADERS);
    expect(res.body).toEqual({
      access_token: expect.stringMatching(/^[\w-]{43}$/),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^[\w-]{43}$/),
      scope: 'openid',
      id_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    });
    const { payload, header } = await verifyIdToken(t.server, res.body.id_token, client.id);
    expect(header).toEqual({ alg: 'RS256', kid: expect.any(String), typ: 'JWT' });
    const hash = createHash('sha256').update(res.body.access_token).digest();
    expect(payload).toEqual({
      iss: OIDC_ISSUER,
      sub: aliceId,
      aud: client.id,
      exp: payload.iat! + 3600,
      iat: expect.any(Number),
      auth_time: expect.any(Number),
      nonce: 'nonce-1',
      at_hash: hash.subarray(0, 16).toString('base64url'),
      azp: client.id,
      sid: expect.stringMatching(/^[\w-]{22}$/),
      amr: ['pwd'],
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(payload.auth_time).toBeLessThanOrEqual(payload.iat!);
  });

  it('should redirect invalid_request when response_type is missing (oidcc-response-type-missing)', async () => {
    const browser = new Browser(t.server);
    const { res, params } = await authorizeIn(browser, {
      client_id: client.id,
      redirect_uri: CALLBACK,
      scope: 'openid',
      state: 's',
    });
    expect(res.status).toBe(303);
    expect(params).toEqual({
      error: 'invalid_request',
      error_description: 'response_type is required',
      state: 's',
      iss: OIDC_ISSUER,
    });
  });

  it('should sign ID tokens with a published key named by kid (oidcc-idtoken-signature, oidcc-idtoken-kid)', async () => {
    const { id_token } = await codeFlow();
    const { kid, alg } = decodeProtectedHeader(id_token);
    const { keys } = (await request(t.server).get('/oauth/jwks').expect(200)).body as {
      keys: { kid: string; alg: string; kty: string; use: string }[];
    };
    expect(keys.filter((key) => key.kid === kid)).toEqual([
      expect.objectContaining({ kid, alg: 'RS256', kty: 'RSA', use: 'sig' }),
    ]);
    expect(alg).toBe('RS256');
    // The access-token key (ES256) is published beside it: one key for every algorithm in use.
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
  });

  it('should sign with the algorithm the client registered (id_token_signed_response_alg)', async () => {
    const es = await registerClient(t.server, { id_token_signed_response_alg: 'ES256' });
    const { id_token } = await codeFlow({}, es);
    const { header } = await verifyIdToken(t.server, id_token, es.id);
    expect(header.alg).toBe('ES256');
  });

  it('should never issue an unsigned ID token: alg none is refused at registration (oidcc-idtoken-unsigned)', async () => {
    const res = await request(t.server)
      .post('/admin/clients')
      .set('Authorization', `Bearer test-admin-key-0123456789abcdef0123456789`)
      .send({
        client_name: 'None',
        redirect_uris: [CALLBACK],
        id_token_signed_response_alg: 'none',
      });
    expect(res.status).toBe(400);
    expect(res.body.fields).toEqual({
      id_token_signed_response_alg: [
        'id_token_signed_response_alg must be one of the following values: RS256, ES256',
      ],
    });
  });

  it('should answer userinfo by GET with the bearer header (oidcc-userinfo-get)', async () => {
    const { access_token } = await codeFlow();
    const res = await userinfo(t.server, access_token);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({ sub: aliceId });
  });

  it('should answer userinfo by POST with the bearer header (oidcc-userinfo-post-header)', async () => {
    const { access_token } = await codeFlow();
    const res = await request(t.server)
      .post('/oauth/userinfo')
      .set('Authorization', `Bearer ${access_token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: aliceId });
  });

  it('should answer userinfo by POST with the token in the form body (oidcc-userinfo-post-body)', async () => {
    const { access_token } = await codeFlow();
    const res = await request(t.server).post('/oauth/userinfo').type('form').send({ access_token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: aliceId });
  });

  it('should answer RFC 6750 errors on userinfo', async () => {
    const { access_token } = await codeFlow();
    const none = await request(t.server).get('/oauth/userinfo');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
    const bad = await userinfo(t.server, 'not-a-token');
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toBe(
      'Bearer realm="portcullis", error="invalid_token", error_description="the access token is invalid or expired"',
    );
    expect(bad.body).toEqual({
      error: 'invalid_token',
      error_description: 'the access token is invalid or expired',
    });
    const both = await request(t.server)
      .post('/oauth/userinfo')
      .set('Authorization', `Bearer ${access_token}`)
      .type('form')
      .send({ access_token });
    expect(both.status).toBe(400);
    expect(both.body.error).toBe('invalid_request');
    // A token in the query string is never read.
    const query = await request(t.server).get(`/oauth/userinfo?access_token=${access_token}`);
    expect(query.status).toBe(401);
    // An OAuth token without openid is not for userinfo.
    const plain = await obtainCode(t.server, { clientId: client.id, scope: 'profile' });
    const tokens = (await exchangeCode(t.server, client, plain).expect(200)).body;
    expect(tokens.id_token).toBeUndefined();
    const res = await userinfo(t.server, tokens.access_token);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="portcullis", error="insufficient_scope", error_description="userinfo needs scope openid", scope="openid"',
    );
  });

  it('should allow CORS on userinfo for a client origin', async () => {
    const spa = 'https://spa.example.com';
    await registerClient(t.server, { token_endpoint_auth_method: 'none', allowed_origins: [spa] });
    const { access_token } = await codeFlow();
    const res = await userinfo(t.server, access_token).set('Origin', spa);
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(spa);
    const preflight = await request(t.server)
      .options('/oauth/userinfo')
      .set('Origin', spa)
      .set('Access-Control-Request-Method', 'GET');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toBe('Authorization, Content-Type');
  });

  it('should succeed without a nonce and put none in the ID token (oidcc-ensure-request-without-nonce-succeeds-for-code-flow)', async () => {
    const issued = await openIdCode(t.server, client.id, { nonce: '' });
    const res = await exchangeOpenIdCode(t.server, client, issued).expect(200);
    expect(decodeJwt(res.body.id_token).nonce).toBeUndefined();
  });

  it.each([
    [
      'profile',
      {
        name: 'Alice Liddell',
        given_name: 'Alice',
        family_name: 'Liddell',
        preferred_username: 'alice',
        locale: 'en-GB',
        updated_at: expect.any(Number),
      },
    ],
    ['email', { email: 'alice@example.com', email_verified: true }],
    [
      'address',
      { address: { street_address: '1 Rabbit Hole', locality: 'Oxford', country: 'GB' } },
    ],
    ['phone', { phone_number: '+44 20 7946 0000', phone_number_verified: false }],
  ])('should answer the claims of scope %s on userinfo (oidcc-scope-*)', async (scope, claims) => {
    const { access_token, scope: granted } = await codeFlow({ scope: `openid ${scope}` });
    expect(granted).toBe(`openid ${scope}`);
    const res = await userinfo(t.server, access_token).expect(200);
    expect(res.body).toEqual({ sub: aliceId, ...claims });
  });

  it('should answer every claim with all scopes (oidcc-scope-all)', async () => {
    const { access_token } = await codeFlow({ scope: 'openid profile email address phone' });
    const res = await userinfo(t.server, access_token).expect(200);
    expect(res.body).toEqual({
      sub: aliceId,
      name: 'Alice Liddell',
      given_name: 'Alice',
      family_name: 'Liddell',
      preferred_username: 'alice',
      locale: 'en-GB',
      updated_at: expect.any(Number),
      email: 'alice@example.com',
      email_verified: true,
      address: { street_address: '1 Rabbit Hole', locality: 'Oxford', country: 'GB' },
      phone_number: '+44 20 7946 0000',
      phone_number_verified: false,
    });
  });

  it('should run the flow for a second client alike (oidcc-ensure-other-client-ok)', async () => {
    const second = await registerClient(t.server, { client_name: 'Second' });
    const { id_token } = await codeFlow({}, second);
    const { payload } = await verifyIdToken(t.server, id_token, second.id);
    expect(payload.aud).toBe(second.id);
    expect(payload.azp).toBe(second.id);
  });

  it.each(['page', 'popup'])('should accept display=%s (oidcc-display-*)', async (display) => {
    const { id_token } = await codeFlow({ display });
    expect(decodeJwt(id_token).sub).toBe(aliceId);
  });

  it('should ignore an unknown parameter (oidcc-unknown-parameter)', async () => {
    const { id_token } = await codeFlow({ extra: 'foobar' });
    expect(decodeJwt(id_token).sub).toBe(aliceId);
  });

  it.each([
    ['ui_locales', 'se'],
    ['claims_locales', 'se'],
    ['acr_values', '1 2'],
  ])('should accept %s (oidcc-%s)', async (name, value) => {
    const { id_token } = await codeFlow({ [name]: value });
    expect(decodeJwt(id_token).sub).toBe(aliceId);
  });

  it('should refuse a reused code and revoke its tokens (oidcc-codereuse, oidcc-codereuse-30seconds)', async () => {
    const issued = await openIdCode(t.server, client.id);
    const first = await exchangeOpenIdCode(t.server, client, issued).expect(200);
    await userinfo(t.server, first.body.access_token).expect(200);
    const second = await exchangeOpenIdCode(t.server, client, issued);
    expectOAuthError(second, 400, 'invalid_grant', 'the authorization code was already used');
    await userinfo(t.server, first.body.access_token).expect(401);
  });

  it('should never redirect to an unregistered redirect URI (oidcc-ensure-registered-redirect-uri)', async () => {
    const browser = new Browser(t.server);
    const res = await browser.get(
      `/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: client.id,
        redirect_uri: 'https://attacker.example.com/callback',
        scope: 'openid',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      }).toString()}`,
    );
    expect(res.status).toBe(400);
    expect(res.headers).toMatchObject(PAGE_HEADERS);
    expect(res.headers.location).toBeUndefined();
  });

  it('should accept the authorization request by POST (oidcc-ensure-post-request-succeeds)', async () => {
    const browser = new Browser(t.server);
    await browser.signIn('alice', 'lantern-orbit-velvet-42');
    const { verifier, challenge } = pkcePair();
    const form = {
      response_type: 'code',
      client_id: client.id,
      redirect_uri: CALLBACK,
      scope: 'openid',
      nonce: 'posted',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };
    let res = await browser.post('/oauth/authorize', form);
    if (res.headers.location?.startsWith('/consent')) {
      const id = res.headers.location.split('=')[1];
      await browser.get(res.headers.location);
      res = await browser.post('/consent', {
        csrf_token: browser.csrf,
        request: id,
        decision: 'approve',
      });
    }
    const { code } = redirectParams(res);
    const tokens = await exchangeCode(t.server, client, { code, verifier }).expect(200);
    expect(decodeJwt(tokens.body.id_token).nonce).toBe('posted');
  });

  it('should authenticate with client_secret_post (oidcc-client-secret-post)', async () => {
    const post = await registerClient(t.server, {
      token_endpoint_auth_method: 'client_secret_post',
    });
    const issued = await openIdCode(t.server, post.id);
    const res = await request(t.server).post('/oauth/token').type('form').send({
      grant_type: 'authorization_code',
      code: issued.code,
      redirect_uri: CALLBACK,
      code_verifier: issued.verifier,
      client_id: post.id,
      client_secret: post.secret,
    });
    expect(res.status).toBe(200);
    expect((await verifyIdToken(t.server, res.body.id_token, post.id)).payload.sub).toBe(aliceId);
  });

  it.each([
    [
      'request',
      'eyJhbGciOiJub25lIn0.e30.',
      'request_not_supported',
      'request objects are not supported',
    ],
    [
      'request_uri',
      'https://rp.example.com/request.jwt',
      'request_uri_not_supported',
      'request_uri is not supported',
    ],
  ])(
    'should refuse %s by redirect (oidcc-request-uri-*, oidcc-unsigned-request-object-*)',
    async (name, value, error, description) => {
      const browser = new Browser(t.server);
      await browser.signIn('alice', 'lantern-orbit-velvet-42');
      const { res, params } = await authorizeIn(browser, {
        response_type: 'code',
        client_id: client.id,
        redirect_uri: CALLBACK,
        scope: 'openid',
        state: 'st',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        [name]: value,
      });
      expect(res.status).toBe(303);
      expect(params).toEqual({
        error,
        error_description: description,
        state: 'st',
        iss: OIDC_ISSUER,
      });
    },
  );

  it('should honour the claims parameter for userinfo and the ID token (oidcc-claims-essential)', async () => {
    const claims = JSON.stringify({
      userinfo: { name: { essential: true }, email: null },
      id_token: { given_name: { essential: true }, unknown_claim: null },
    });
    const { access_token, id_token } = await codeFlow({ claims, scope: 'openid profile email' });
    const res = await userinfo(t.server, access_token).expect(200);
    expect(res.body).toMatchObject({
      sub: aliceId,
      name: 'Alice Liddell',
      email: 'alice@example.com',
    });
    expect(decodeJwt(id_token).given_name).toBe('Alice');
    expect(decodeJwt(id_token).email).toBeUndefined();
  });

  it('should release no claim the claims parameter names beyond the granted scopes', async () => {
    const claims = JSON.stringify({
      userinfo: { name: null, email: { essential: true }, phone_number: null },
      id_token: { given_name: null, email: null },
    });
    const { access_token, id_token } = await codeFlow({ claims });
    await userinfo(t.server, access_token).expect(200, { sub: aliceId });
    const idClaims = decodeJwt(id_token);
    expect(idClaims.given_name).toBeUndefined();
    expect(idClaims.email).toBeUndefined();
  });

  it('should refuse a claims parameter that is not a JSON object', async () => {
    const browser = new Browser(t.server);
    await browser.signIn('alice', 'lantern-orbit-velvet-42');
    const { params } = await authorizeIn(browser, {
      response_type: 'code',
      client_id: client.id,
      redirect_uri: CALLBACK,
      scope: 'openid',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      claims: '["name"]',
    });
    expect(params).toEqual({
      error: 'invalid_request',
      error_description: 'claims must be a JSON object',
      iss: OIDC_ISSUER,
    });
  });

  it('should return a new ID token on refresh with the same sub and auth_time and no nonce (oidcc-refresh-token)', async () => {
    const first = await codeFlow();
    const original = decodeJwt(first.id_token);
    const res = await refresh(t.server, client, first.refresh_token);
    expect(res.status).toBe(200);
    const { payload } = await verifyIdToken(t.server, res.body.id_token, client.id);
    expect(payload).toEqual({
      ...original,
      iat: expect.any(Number),
      exp: payload.iat! + 3600,
      at_hash: expect.any(String),
      nonce: undefined,
    });
    expect(payload.nonce).toBeUndefined();
    expect(payload.at_hash).not.toBe(original.at_hash);
  });

  it('should refuse a wrong PKCE verifier and need a challenge (oidcc-ensure-pkce-*)', async () => {
    const issued = await openIdCode(t.server, client.id);
    const res = await tokenRequest(t.server, client, {
      grant_type: 'authorization_code',
      code: issued.code,
      redirect_uri: CALLBACK,
      code_verifier: pkcePair().verifier,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    const browser = new Browser(t.server);
    const missing = await authorizeIn(browser, {
      response_type: 'code',
      client_id: client.id,
      redirect_uri: CALLBACK,
      scope: 'openid',
    });
    expect(missing.params.error).toBe('invalid_request');
  });

  it('should leave the token response of a request without openid unchanged', async () => {
    const plain = await obtainCode(t.server, { clientId: client.id, scope: 'profile email' });
    const res = await exchangeCode(t.server, client, plain).expect(200);
    expect(Object.keys(res.body).sort()).toEqual([
      'access_token',
      'expires_in',
      'refresh_token',
      'scope',
      'token_type',
    ]);
  });
});
