import type { Server } from 'node:https';
import * as client from 'openid-client';
import { createUser, STRONG_PASSWORD } from './factories';
import { Browser } from './helpers/browser';
import { fetchTrusting, httpsProxy, localhostCertificate } from './helpers/https-server';
import { registerClient } from './helpers/oauth';
import { freePort, ServerProcess, startServer } from './helpers/processes';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

const REDIRECT_URI = 'http://127.0.0.1:8765/callback';
const SIGNED_OUT = 'http://127.0.0.1:8765/signed-out';

// openid-client v6, the usual library of server-side Node apps, as a confidential client against
// the built server behind a TLS-terminating proxy: discovery, code + PKCE + nonce, userinfo,
// refresh and the end-session URL, with all of its default checks on. Its only option is a fetch
// that trusts this test's certificate. The browser part (sign-in, consent) is a cookie-keeping
// HTTP client.
describe('RP interop: openid-client (server-side app)', () => {
  let database: TestDatabase;
  let portcullis: ServerProcess;
  let proxy: Server;
  let issuer: URL;
  let trustingFetch: ReturnType<typeof fetchTrusting>;
  let config: client.Configuration;
  let aliceId: string;

  beforeAll(async () => {
    const tls = localhostCertificate();
    const port = await freePort();
    issuer = new URL(`https://localhost:${port}`);
    database = await createTestDatabase();
    portcullis = await startServer(database.url, { ISSUER: issuer.origin });
    proxy = await httpsProxy(tls, port, portcullis.baseUrl);
    trustingFetch = fetchTrusting(tls);
    aliceId = (
      await createUser(portcullis.baseUrl, {
        email: 'alice@example.com',
        name: 'Alice Liddell',
        given_name: 'Alice',
      }).expect(201)
    ).body.id;
    const { id, secret } = await registerClient(portcullis.baseUrl, {
      redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: [SIGNED_OUT],
      scope: 'profile email',
    });
    config = await client.discovery(issuer, id, undefined, client.ClientSecretBasic(secret), {
      [client.customFetch]: trustingFetch.fetch,
    });
  });
  afterAll(async () => {
    await trustingFetch.close();
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await portcullis.stop();
    await database.drop();
  });

  it('should discover the provider from /.well-known/openid-configuration', () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(issuer.origin);
    expect(metadata.userinfo_endpoint).toBe(`${issuer.origin}/oauth/userinfo`);
    expect(metadata.end_session_endpoint).toBe(`${issuer.origin}/oauth/logout`);
    expect(metadata.supportsPKCE()).toBe(true);
  });

  it('should sign in with code + PKCE + nonce, read userinfo, refresh and build the end-session URL', async () => {
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      nonce,
      state,
    });
    expect(url.origin).toBe(issuer.origin);

    const browser = new Browser(portcullis.baseUrl);
    await browser.signIn('alice', STRONG_PASSWORD);
    let res = await browser.get(`${url.pathname}${url.search}`);
    if (res.headers.location?.startsWith('/consent?')) {
      await browser.get(res.headers.location);
      res = await browser.post('/consent', { ...browser.hidden, decision: 'approve' });
    }
    expect(res.status).toBe(303);

    const tokens = await client.authorizationCodeGrant(config, new URL(res.headers.location), {
      pkceCodeVerifier: codeVerifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: issuer.origin, sub: aliceId, nonce });

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({
      sub: aliceId,
      email: 'alice@example.com',
      name: 'Alice Liddell',
      given_name: 'Alice',
    });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()).toMatchObject({ sub: aliceId, auth_time: claims.auth_time });
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const endSession = client.buildEndSessionUrl(config, {
      id_token_hint: refreshed.id_token!,
      post_logout_redirect_uri: SIGNED_OUT,
      state: 'bye',
    });
    const out = await browser.get(`${endSession.pathname}${endSession.search}`);
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe(`${SIGNED_OUT}?state=bye`);
  });
});
