import type { Server } from 'node:https';
import { exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import { createUser, STRONG_PASSWORD } from './factories';
import { Browser } from './helpers/browser';
import { fetchTrusting, httpsProxy, localhostCertificate } from './helpers/https-server';
import { registerClient } from './helpers/oauth';
import { freePort, ServerProcess, startServer } from './helpers/processes';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

const REDIRECT_URI = 'http://127.0.0.1:8765/callback';

type RegisteredClient = { client: oauth.Client; auth: oauth.ClientAuth };

// Every flow driven by oauth4webapi, a client library that refuses anything off-spec, against the
// built server (`node dist/src/main.js` on a fresh database) behind a TLS-terminating proxy, as in
// production. The library is used as its documentation shows; its only option is a fetch that
// trusts this test's certificate. The browser part of the authorization code flow (sign-in and
// consent, which no client library does) is a cookie-keeping HTTP client.
describe('strict client (oauth4webapi) over HTTPS', () => {
  let database: TestDatabase;
  let portcullis: ServerProcess;
  let proxy: Server;
  let issuer: URL;
  let as: oauth.AuthorizationServer;
  let trustingFetch: ReturnType<typeof fetchTrusting>;
  let http: { [oauth.customFetch]: typeof fetch };
  let aliceId: string;
  let web: RegisteredClient;
  let spa: RegisteredClient;
  let trusted: RegisteredClient;
  let jwtWeb: RegisteredClient;
  let resourceServer: RegisteredClient;

  const confidential = async (fields: Record<string, unknown>): Promise<RegisteredClient> => {
    const { id, secret } = await registerClient(portcullis.baseUrl, fields);
    return { client: { client_id: id }, auth: oauth.ClientSecretBasic(secret!) };
  };

  beforeAll(async () => {
    const tls = localhostCertificate();
    const port = await freePort();
    issuer = new URL(`https://localhost:${port}`);
    database = await createTestDatabase();
    portcullis = await startServer(database.url, { ISSUER: issuer.origin });
    proxy = await httpsProxy(tls, port, portcullis.baseUrl);
    trustingFetch = fetchTrusting(tls);
    http = { [oauth.customFetch]: trustingFetch.fetch };

    aliceId = (
      await createUser(portcullis.baseUrl, {
        username: 'alice',
        email: 'alice@example.com',
        name: 'Alice Liddell',
      }).expect(201)
    ).body.id;
    const codeClient = {
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'profile email',
    };
    web = await confidential(codeClient);
    jwtWeb = await confidential({ ...codeClient, access_token_format: 'jwt' });
    const { id: spaId } = await registerClient(portcullis.baseUrl, {
      ...codeClient,
      token_endpoint_auth_method: 'none',
    });
    spa = { client: { client_id: spaId }, auth: oauth.None() };
    trusted = await confidential({
      grant_types: ['password', 'refresh_token'],
      redirect_uris: [],
    });
    resourceServer = await confidential({ introspection_allowed: true });

    // RFC 8414 discovery, as every flow below starts.
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...http });
    as = await oauth.processDiscoveryResponse(issuer, response);
  });
  afterAll(async () => {
    await trustingFetch.close();
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await portcullis.stop();
    await database.drop();
  });

  // The user's part: the browser follows the authorization URL, signs in and approves; the client
  // validates the redirect it lands on (state and RFC 9207 iss included).
  async function authorize({ client }: RegisteredClient) {
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      scope: 'profile email',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    expect(url.origin).toBe(issuer.origin);

    const browser = new Browser(portcullis.baseUrl);
    await browser.signIn('alice', STRONG_PASSWORD);
    let res = await browser.get(`${url.pathname}${url.search}`);
    expect(res.status).toBe(303);
    if (res.headers.location.startsWith('/consent?')) {
      await browser.get(res.headers.location);
      res = await browser.post('/consent', { ...browser.hidden, decision: 'approve' });
      expect(res.status).toBe(303);
    }
    const callback = oauth.validateAuthResponse(as, client, new URL(res.headers.location), state);
    return { callback, codeVerifier };
  }

  async function codeFlow(registered: RegisteredClient) {
    const { callback, codeVerifier } = await authorize(registered);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      registered.client,
      registered.auth,
      callback,
      REDIRECT_URI,
      codeVerifier,
      http,
    );
    return oauth.processAuthorizationCodeResponse(as, registered.client, response);
  }

  async function refresh({ client, auth }: RegisteredClient, refreshToken: string) {
    const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, http);
    return oauth.processRefreshTokenResponse(as, client, response);
  }

  async function revoke({ client, auth }: RegisteredClient, token: string) {
    return oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, auth, token, http),
    );
  }

  async function callMe(accessToken: string) {
    const response = await oauth.protectedResourceRequest(
      accessToken,
      'GET',
      new URL('/api/me', issuer),
      undefined,
      undefined,
      http,
    );
    return { status: response.status, body: await response.json() };
  }

  // The library turns an RFC 6750 challenge into an error carrying the parsed header.
  async function expectRefused(accessToken: string) {
    await expect(callMe(accessToken)).rejects.toMatchObject({
      name: 'WWWAuthenticateChallengeError',
      status: 401,
      cause: [
        {
          scheme: 'bearer',
          parameters: { realm: 'portcullis', error: 'invalid_token' },
        },
      ],
    });
  }

  async function introspect(token: string) {
    const { client, auth } = resourceServer;
    const response = await oauth.introspectionRequest(as, client, auth, token, http);
    return oauth.processIntrospectionResponse(as, client, response);
  }

  // /api/me for alice with scope "profile email".
  const me = () => ({
    sub: aliceId,
    username: 'alice',
    email: 'alice@example.com',
    name: 'Alice Liddell',
  });

  it('should discover the server from its RFC 8414 metadata', () => {
    expect(as).toMatchObject({
      issuer: issuer.origin,
      authorization_endpoint: `${issuer.origin}/oauth/authorize`,
      token_endpoint: `${issuer.origin}/oauth/token`,
      jwks_uri: `${issuer.origin}/oauth/jwks`,
      revocation_endpoint: `${issuer.origin}/oauth/revoke`,
      introspection_endpoint: `${issuer.origin}/oauth/introspect`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('should run the authorization code flow with PKCE for a confidential client, then refresh', async () => {
    const tokens = await codeFlow(web);
    expect(tokens).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      scope: 'profile email',
    });
    await expect(callMe(tokens.access_token)).resolves.toEqual({ status: 200, body: me() });

    const refreshed = await refresh(web, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await expect(callMe(refreshed.access_token)).resolves.toEqual({ status: 200, body: me() });
  });

  it('should run the authorization code flow with PKCE for a public client (SPA), then refresh', async () => {
    const tokens = await codeFlow(spa);
    await expect(callMe(tokens.access_token)).resolves.toEqual({ status: 200, body: me() });
    const refreshed = await refresh(spa, tokens.refresh_token!);
    await expect(callMe(refreshed.access_token)).resolves.toEqual({ status: 200, body: me() });
  });

  it('should report a reused authorization code as invalid_grant', async () => {
    const { callback, codeVerifier } = await authorize(web);
    const redeem = async () =>
      oauth.processAuthorizationCodeResponse(
        as,
        web.client,
        await oauth.authorizationCodeGrantRequest(
          as,
          web.client,
          web.auth,
          callback,
          REDIRECT_URI,
          codeVerifier,
          http,
        ),
      );
    await redeem();
    await expect(redeem()).rejects.toMatchObject({
      name: 'ResponseBodyError',
      status: 400,
      error: 'invalid_grant',
    });
  });

  it('should issue tokens from the password grant to a trusted client', async () => {
    const response = await oauth.genericTokenEndpointRequest(
      as,
      trusted.client,
      trusted.auth,
      'password',
      { username: 'alice', password: STRONG_PASSWORD, scope: 'email' },
      http,
    );
    const tokens = await oauth.processGenericTokenEndpointResponse(as, trusted.client, response);
    expect(tokens.scope).toBe('email');
    await expect(callMe(tokens.access_token)).resolves.toEqual({
      status: 200,
      body: { sub: aliceId, username: 'alice', email: 'alice@example.com' },
    });
  });

  // openid-client's clientCredentialsGrant() is this request and this processing.
  it('should issue a token to a machine client by the client_credentials grant', async () => {
    const machine = await confidential({
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scope: 'reports:read reports:write',
    });
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      machine.client,
      machine.auth,
      new URLSearchParams({ scope: 'reports:read' }),
      http,
    );
    const tokens = await oauth.processClientCredentialsResponse(as, machine.client, response);
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'reports:read' });
    expect(tokens.refresh_token).toBeUndefined();
    await expect(introspect(tokens.access_token)).resolves.toMatchObject({
      active: true,
      client_id: machine.client.client_id,
      sub: machine.client.client_id,
    });
  });

  // openid-client's PrivateKeyJwt() is oauth4webapi's.
  it('should authenticate a client by private_key_jwt (RFC 7523)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'strict-1', alg: 'ES256' };
    const { id } = await registerClient(portcullis.baseUrl, {
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scope: 'reports:read',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [jwk] },
    });
    const client = { client_id: id };
    const auth = oauth.PrivateKeyJwt({ key: privateKey, kid: 'strict-1' });
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      auth,
      new URLSearchParams(),
      http,
    );
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'reports:read' });
    const introspected = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, tokens.access_token, http),
    );
    expect(introspected).toMatchObject({ active: true, sub: id });
  });

  it('should introspect a live token, then revoke it so it is inactive and refused', async () => {
    const tokens = await codeFlow(web);
    await expect(introspect(tokens.access_token)).resolves.toMatchObject({
      active: true,
      client_id: web.client.client_id,
      sub: aliceId,
      username: 'alice',
      scope: 'profile email',
      token_type: 'Bearer',
      iss: issuer.origin,
    });

    await expect(revoke(web, tokens.access_token)).resolves.toBeUndefined();
    await expect(introspect(tokens.access_token)).resolves.toEqual({ active: false });
    await expectRefused(tokens.access_token);
  });

  it('should issue a JWT access token that validates against the JWK Set as RFC 9068 prescribes', async () => {
    const tokens = await codeFlow(jwtWeb);
    const request = new Request(new URL('/api/me', issuer), {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const claims = await oauth.validateJwtAccessToken(as, request, `${issuer.origin}/api`, http);
    expect(claims).toMatchObject({
      iss: issuer.origin,
      sub: aliceId,
      aud: `${issuer.origin}/api`,
      client_id: jwtWeb.client.client_id,
      scope: 'profile email',
    });
    await expect(callMe(tokens.access_token)).resolves.toEqual({ status: 200, body: me() });

    await expect(revoke(jwtWeb, tokens.access_token)).resolves.toBeUndefined();
    await expect(introspect(tokens.access_token)).resolves.toEqual({ active: false });
    await expectRefused(tokens.access_token);
  });
});
