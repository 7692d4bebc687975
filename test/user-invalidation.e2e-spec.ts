import request from 'supertest';
import { createUser, STRONG_PASSWORD } from './factories';
import { authorizePath, Browser, pkcePair, redirectParams } from './helpers/browser';
import {
  callMe,
  CALLBACK,
  ClientCredentials,
  exchangeCode,
  expectInvalidToken,
  expectOAuthError,
  IssuedTokens,
  obtainCode,
  refresh,
  registerClient,
} from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const NEW_PASSWORD = 'harbour-quartz-meadow-77';

// ASVS V7.4: disabling a user or changing their password ends every session of theirs and revokes
// every token issued before; enabling the user again brings none of it back.
describe('sessions and tokens after a disable or a password change', () => {
  let t: TestApp;
  let client: ClientCredentials;
  let userId: string;

  beforeEach(async () => {
    t = await createTestApp();
    userId = (await createUser(t.server, { username: 'alice' }).expect(201)).body.id;
    client = await registerClient(t.server, { skip_consent: true });
  });
  afterEach(async () => {
    await t.close();
  });

  const patchUser = (changes: Record<string, unknown>) =>
    request(t.server).patch(`/admin/users/${userId}`).set(adminAuth).send(changes).expect(200);
  const authorize = (browser: Browser) =>
    browser.get(authorizePath({ client_id: client.id, redirect_uri: CALLBACK, state: 's' }));
  const tokens = async (): Promise<IssuedTokens> =>
    (
      await exchangeCode(
        t.server,
        client,
        await obtainCode(t.server, { clientId: client.id }),
      ).expect(200)
    ).body as IssuedTokens;
  const signedInBrowser = async () => {
    const browser = new Browser(t.server);
    expect((await browser.signIn('alice', STRONG_PASSWORD)).status).toBe(303);
    expect((await authorize(browser)).headers.location).toMatch(/^https:\/\/app\.example\.com/);
    return browser;
  };
  const expectSignedOut = async (browser: Browser) => {
    const res = await authorize(browser);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect((await browser.get('/login')).text).toContain('Sign in');
  };
  const expectRevoked = async (issued: IssuedTokens) => {
    expectInvalidToken(await callMe(t.server, issued.access_token));
    expectOAuthError(
      await refresh(t.server, client, issued.refresh_token),
      400,
      'invalid_grant',
      'the refresh token is invalid or expired',
    );
  };

  it('should not revive a session or its tokens when the user is disabled and enabled again', async () => {
    const browser = await signedInBrowser();
    const issued = await tokens();
    await patchUser({ enabled: false });
    await patchUser({ enabled: true });
    await expectSignedOut(browser);
    await expectRevoked(issued);
  });

  it('should end the sessions and revoke the tokens when an operator changes the password', async () => {
    const browser = await signedInBrowser();
    const issued = await tokens();
    await patchUser({ password: NEW_PASSWORD });
    await expectSignedOut(browser);
    await expectRevoked(issued);
  });

  it('should sign in again with the new password and get working tokens', async () => {
    await patchUser({ password: NEW_PASSWORD });
    const browser = new Browser(t.server);
    expect((await browser.signIn('alice', NEW_PASSWORD)).status).toBe(303);
    const { verifier, challenge } = pkcePair();
    const res = await browser.get(
      authorizePath({ client_id: client.id, code_challenge: challenge, state: 's' }),
    );
    expect(res.status).toBe(303);
    const { code } = redirectParams(res);
    const issued = await exchangeCode(t.server, client, { code, verifier }).expect(200);
    await callMe(t.server, issued.body.access_token).expect(200);
  });

  it('should keep sessions and tokens when only the profile changes', async () => {
    const browser = await signedInBrowser();
    const issued = await tokens();
    await patchUser({ name: 'Alice A.', email: 'alice@example.com' });
    expect((await authorize(browser)).headers.location).toMatch(/^https:\/\/app\.example\.com/);
    await callMe(t.server, issued.access_token).expect(200);
  });
});
