import request from 'supertest';
import { createUser, STRONG_PASSWORD } from './factories';
import { authorizePath, Browser, PAGE_HEADERS } from './helpers/browser';
import { auditEvents } from './helpers/developer';
import {
  callMe,
  CALLBACK,
  ClientCredentials,
  exchangeCode,
  expectInvalidToken,
  expectOAuthError,
  IssuedTokens,
  obtainCode,
  passwordTokens,
  refresh,
  registerClient,
  registerTrustedClient,
} from './helpers/oauth';
import { createTestApp, TestApp } from './helpers/test-app';

const EVIL_NAME = '<img src=x onerror=alert(1)>';

// Connected apps: a user sees the applications they approved and takes access back in one click.
describe('connected apps', () => {
  let t: TestApp;
  let alice: Browser;
  let photos: ClientCredentials;
  let notes: ClientCredentials;

  // Alice approves the client in the browser and exchanges the code: her tokens for it.
  const connect = async (client: ClientCredentials, username = 'alice', scope = 'profile') =>
    (
      await exchangeCode(
        t.server,
        client,
        await obtainCode(t.server, { clientId: client.id, username, scope }),
      ).expect(200)
    ).body as IssuedTokens;
  // The list links to a confirmation page, whose button revokes.
  const revokeInPage = async (browser: Browser, clientId: string) => {
    await browser.get('/account/apps');
    await browser.get(`/account/apps/${clientId}/revoke`);
    return browser.post(`/account/apps/${clientId}/revoke`, { csrf_token: browser.csrf });
  };

  beforeEach(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    await createUser(t.server, { username: 'bob' }).expect(201);
    photos = await registerClient(t.server, {
      client_name: 'Photo Print',
      client_uri: 'https://photos.example.com',
      scope: 'profile email',
    });
    notes = await registerClient(t.server, { client_name: EVIL_NAME });
    alice = new Browser(t.server);
    await alice.signIn('alice', STRONG_PASSWORD);
  });
  afterEach(async () => {
    await t.close();
  });

  it('should list each approved application with its scopes, when, and a link to revoke it, escaped', async () => {
    await connect(photos, 'alice', 'profile email');
    await connect(notes);
    await connect(photos, 'bob');
    const res = await alice.get('/account/apps');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(PAGE_HEADERS);
    expect(res.text).toContain('<h2>Photo Print</h2>');
    expect(res.text).toContain('https://photos.example.com');
    expect(res.text).toContain('<li>See your email address</li>');
    expect(res.text).toMatch(/Allowed \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(res.text).toContain('<h2>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</h2>');
    expect(res.text).not.toContain('<img');
    // No form that revokes in one click: a link to the confirmation page.
    expect(res.text).not.toContain(`action="/account/apps/${photos.id}/revoke"`);
    expect(res.text).toContain(`href="/account/apps/${photos.id}/revoke"`);
    expect(res.text.match(/Revoke access…/g)).toHaveLength(2);
    expect(res.text).toContain('Signed in as <strong>alice</strong>');
    expect(res.text).toContain('<form method="post" action="/logout">');
  });

  it('should ask for confirmation, naming the app and what it can do, before revoking', async () => {
    const tokens = await connect(photos, 'alice', 'profile email');
    const res = await alice.get(`/account/apps/${photos.id}/revoke`);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(PAGE_HEADERS);
    expect(res.text).toContain('<h1>Revoke access for Photo Print?</h1>');
    expect(res.text).toContain('<li>See your email address</li>');
    expect(res.text).toContain(`<form method="post" action="/account/apps/${photos.id}/revoke">`);
    expect(res.text).toContain('<a class="button-secondary" href="/account/apps">Cancel</a>');
    // Seeing the confirmation revokes nothing.
    await callMe(t.server, tokens.access_token).expect(200);
    const unknown = await alice.get('/account/apps/no-such-client/revoke');
    expect(unknown.status).toBe(404);
  });

  it('should list an app that holds tokens from the password grant, and revoke them', async () => {
    const cli = await registerTrustedClient(t.server, { client_name: 'Acme CLI' });
    const tokens = await passwordTokens(t.server, cli, { scope: 'email' });
    const list = await alice.get('/account/apps');
    expect(list.text).toContain('<h2>Acme CLI</h2>');
    expect(list.text).toContain('<li>See your email address</li>');
    expect(list.text).toMatch(/Signed in since \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const res = await revokeInPage(alice, cli.id);
    expect(res.status).toBe(303);
    expectInvalidToken(await callMe(t.server, tokens.access_token));
    expectOAuthError(
      await refresh(t.server, cli, tokens.refresh_token),
      400,
      'invalid_grant',
      'the refresh token is invalid or expired',
    );
    expect((await alice.get('/account/apps')).text).not.toContain('Acme CLI');
  });

  it('should say so when no application has access', async () => {
    const res = await alice.get('/account/apps');
    expect(res.text).toContain('No application has access to your account.');
  });

  describe('Revoke access', () => {
    let tokens: IssuedTokens;
    let otherTokens: IssuedTokens;
    let bobTokens: IssuedTokens;

    beforeEach(async () => {
      tokens = await connect(photos);
      otherTokens = await connect(notes);
      bobTokens = await connect(photos, 'bob');
    });

    it('should revoke every token of the user for that app, forget the consent, and go back to the list', async () => {
      const unused = await obtainCode(t.server, { clientId: photos.id, scope: 'profile' });
      const res = await revokeInPage(alice, photos.id);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account/apps');

      expectInvalidToken(await callMe(t.server, tokens.access_token));
      expectOAuthError(
        await refresh(t.server, photos, tokens.refresh_token),
        400,
        'invalid_grant',
        'the refresh token is invalid or expired',
      );
      expectOAuthError(
        await exchangeCode(t.server, photos, unused),
        400,
        'invalid_grant',
        'the authorization code was already used',
      );
      const introspected = await request(t.server)
        .post('/oauth/introspect')
        .auth(photos.id, photos.secret as string)
        .type('form')
        .send({ token: tokens.access_token });
      expect(introspected.body).toEqual({ active: false });

      // Other apps of the user, and other users of the app, keep working.
      await callMe(t.server, otherTokens.access_token).expect(200);
      await callMe(t.server, bobTokens.access_token).expect(200);
      await refresh(t.server, photos, bobTokens.refresh_token).expect(200);

      const list = await alice.get('/account/apps');
      expect(list.text).not.toContain('Photo Print');
      expect(list.text).toContain('&lt;img');
    });

    it('should ask for consent again at the next authorization request', async () => {
      await revokeInPage(alice, photos.id);
      const res = await alice.get(
        authorizePath({
          client_id: photos.id,
          redirect_uri: CALLBACK,
          scope: 'profile',
          state: 's',
        }),
      );
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/consent\?request=/);
    });

    it('should record the consent and its revocation, with the user and the address', async () => {
      await revokeInPage(alice, photos.id);
      const { body } = await auditEvents(t.server, { client_id: photos.id }).expect(200);
      const events = body as { type: string; user_id: string }[];
      const aliceId = events.find((event) => event.type === 'consent.revoked')?.user_id;
      expect(events.filter((event) => event.user_id === aliceId)).toEqual([
        expect.objectContaining({
          type: 'consent.revoked',
          actor_type: 'user',
          actor_user_id: aliceId,
          ip: expect.stringMatching(/127\.0\.0\.1|::1/),
          details: null,
        }),
        expect.objectContaining({
          type: 'consent.granted',
          actor_type: 'user',
          actor_user_id: aliceId,
          details: { scope: 'profile' },
        }),
      ]);
    });

    it('should refuse a post without the CSRF token and revoke nothing', async () => {
      await alice.get('/account/apps');
      const res = await alice.post(`/account/apps/${photos.id}/revoke`, { csrf_token: 'x' });
      expect(res.status).toBe(403);
      await callMe(t.server, tokens.access_token).expect(200);
    });

    it("should answer 404 for an app the user has not connected, and touch no one else's tokens", async () => {
      const carol = await registerClient(t.server, { client_name: 'Unused' });
      const bob = new Browser(t.server);
      await bob.signIn('bob', STRONG_PASSWORD);
      for (const clientId of [carol.id, notes.id, `${photos.id} `, 'no-such-client']) {
        const res = await revokeInPage(bob, encodeURIComponent(clientId));
        expect(res.status).toBe(404);
        expect(res.headers).toMatchObject(PAGE_HEADERS);
      }
      await callMe(t.server, otherTokens.access_token).expect(200);
      await callMe(t.server, bobTokens.access_token).expect(200);
    });
  });

  describe('as JSON (/api/account/apps, scope account)', () => {
    let accountToken: string;

    beforeEach(async () => {
      const settings = await registerTrustedClient(t.server, { scope: 'account' });
      accountToken = (await passwordTokens(t.server, settings, { scope: 'account' })).access_token;
    });

    it('should list the approved applications and revoke one with DELETE', async () => {
      const tokens = await connect(photos, 'alice', 'profile email');
      const list = await request(t.server)
        .get('/api/account/apps')
        .auth(accountToken, { type: 'bearer' })
        .expect(200);
      expect(list.body).toEqual([
        {
          client_id: photos.id,
          client_name: 'Photo Print',
          client_uri: 'https://photos.example.com',
          scope: 'profile email',
          created_at: expect.stringMatching(/^\d{4}-/),
          updated_at: expect.stringMatching(/^\d{4}-/),
        },
      ]);
      await request(t.server)
        .delete(`/api/account/apps/${photos.id}`)
        .auth(accountToken, { type: 'bearer' })
        .expect(204);
      expectInvalidToken(await callMe(t.server, tokens.access_token));
      const again = await request(t.server)
        .delete(`/api/account/apps/${photos.id}`)
        .auth(accountToken, { type: 'bearer' });
      expect(again.status).toBe(404);
      expect(again.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'no connected application with this client_id',
      });
    });

    it('should need scope account', async () => {
      const tokens = await connect(photos);
      const res = await request(t.server)
        .get('/api/account/apps')
        .auth(tokens.access_token, { type: 'bearer' });
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toContain('scope="account"');
    });
  });

  it('should list a skip_consent first-party client only while it holds tokens', async () => {
    const firstParty = await registerClient(t.server, {
      client_name: 'Our Portal',
      skip_consent: true,
    });
    const tokens = await connect(firstParty);
    expect((await alice.get('/account/apps')).text).toContain('<h2>Our Portal</h2>');
    await request(t.server)
      .post('/oauth/revoke')
      .auth(firstParty.id, firstParty.secret as string)
      .type('form')
      .send({ token: tokens.refresh_token })
      .expect(200);
    expect((await alice.get('/account/apps')).text).not.toContain('Our Portal');
  });
});
