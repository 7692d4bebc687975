import request from 'supertest';
import { createClient, createUser, STRONG_PASSWORD } from './factories';
import { authorizePath, Browser, PAGE_HEADERS } from './helpers/browser';
import { auditEvents, registerInPortal, review } from './helpers/developer';
import {
  callMe,
  CALLBACK,
  ClientCredentials,
  exchangeCode,
  expectInvalidClient,
  expectInvalidToken,
  expectOAuthError,
  expectTokenResponse,
  IssuedTokens,
  obtainCode,
  refresh,
  registerTrustedClient,
  passwordTokens,
  tokenRequest,
} from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const IP = /^(::ffff:)?127\.0\.0\.1$|^::1$/;
const REFUSAL = {
  pending: 'this client is awaiting approval by an operator',
  rejected: 'this client was not approved by an operator',
};

// What the token, revocation and introspection endpoints answer an authenticated client that is
// not approved.
const expectNotApproved = (res: request.Response, status: keyof typeof REFUSAL) =>
  expectOAuthError(res, 400, 'unauthorized_client', REFUSAL[status]);

// Operators approve or reject developers' applications; only an approved application can be used
// at the authorization and token endpoints.
describe('client review', () => {
  let t: TestApp;
  let developer: Browser;
  let app: ClientCredentials;

  const authorizeAs = (browser: Browser, clientId: string) =>
    browser.get(
      authorizePath({ client_id: clientId, redirect_uri: CALLBACK, scope: 'profile', state: 's' }),
    );

  beforeEach(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    await createUser(t.server, { username: 'dev' }).expect(201);
    developer = new Browser(t.server);
    await developer.signIn('dev', STRONG_PASSWORD);
    const { clientId, secret } = await registerInPortal(developer);
    app = { id: clientId, secret };
  });
  afterEach(async () => {
    await t.close();
  });

  describe('a pending application', () => {
    it('should be listed by GET /admin/clients?status=pending, and operators clients not', async () => {
      await createClient(t.server).expect(201);
      const res = await request(t.server)
        .get('/admin/clients?status=pending')
        .set(adminAuth)
        .expect(200);
      expect(res.body).toEqual([
        expect.objectContaining({
          client_id: app.id,
          client_name: 'Weather Widget',
          status: 'pending',
          owner_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          description: 'Shows the weather where you are',
          client_uri: 'https://weather.example.com',
          rejection_reason: null,
          grant_types: ['authorization_code', 'refresh_token'],
          scope: 'profile',
          skip_consent: false,
          require_pkce: true,
          id_token_signed_response_alg: 'RS256',
          post_logout_redirect_uris: [],
          backchannel_logout_uri: null,
          backchannel_logout_session_required: false,
        }),
      ]);
      const all = await request(t.server).get('/admin/clients').set(adminAuth).expect(200);
      expect((all.body as { status: string }[]).map((client) => client.status).sort()).toEqual([
        'approved',
        'pending',
      ]);
    });

    it('should refuse an unknown status filter with 400 naming the field', async () => {
      const res = await request(t.server).get('/admin/clients?status=waiting').set(adminAuth);
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual({
        status: ['status must be one of the following values: pending, approved, rejected'],
      });
    });

    it('should get an error page at /oauth/authorize saying it awaits approval, never a redirect', async () => {
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      const res = await authorizeAs(browser, app.id);
      expect(res.status).toBe(400);
      expect(res.headers).toMatchObject(PAGE_HEADERS);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('<h1>Application awaiting approval</h1>');
      expect(res.text).toContain(
        'Weather Widget is awaiting approval by an operator of this server.',
      );
      expect(res.text).toContain('<code>unauthorized_client</code>');
    });

    it('should get unauthorized_client at /oauth/token once it has authenticated', async () => {
      const res = await tokenRequest(t.server, app, {
        grant_type: 'authorization_code',
        code: 'x',
        redirect_uri: CALLBACK,
        code_verifier: 'v'.repeat(43),
      });
      expectNotApproved(res, 'pending');
    });

    it('should get invalid_client, telling nothing of its status, with a wrong secret', async () => {
      const res = await tokenRequest(
        t.server,
        { id: app.id, secret: 'wrong' },
        {
          grant_type: 'refresh_token',
          refresh_token: 'x',
        },
      );
      expectInvalidClient(res, 'client authentication failed');
    });

    it('should get unauthorized_client as a public client at the token and revocation endpoints', async () => {
      const { clientId } = await registerInPortal(developer, { client_type: 'public' });
      const spa = { id: clientId };
      const token = await tokenRequest(t.server, spa, {
        grant_type: 'refresh_token',
        refresh_token: 'x',
      });
      expectNotApproved(token, 'pending');
      const revoke = await request(t.server)
        .post('/oauth/revoke')
        .type('form')
        .send({ client_id: clientId, token: 'x' });
      expectNotApproved(revoke, 'pending');
    });
  });

  describe('POST /admin/clients/:id/approve', () => {
    it('should approve it, after which the authorization code flow works end to end', async () => {
      const res = await review(t.server, app.id, 'approve').expect(200);
      expect(res.body).toMatchObject({
        client_id: app.id,
        status: 'approved',
        rejection_reason: null,
      });
      expect(res.body.client_secret).toBeUndefined();

      const code = await obtainCode(t.server, { clientId: app.id, scope: 'profile' });
      const tokens = await exchangeCode(t.server, app, code);
      expectTokenResponse(tokens, 'profile');
      const me = await callMe(t.server, tokens.body.access_token).expect(200);
      expect(me.body).toEqual({ sub: expect.any(String), username: 'alice' });
    });

    it('should answer 409 when it is already approved', async () => {
      await review(t.server, app.id, 'approve').expect(200);
      const res = await review(t.server, app.id, 'approve');
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: 'client is already approved',
      });
    });

    it('should answer 404 for an unknown client, and for a trailing space on a known one', async () => {
      for (const id of ['no-such-client', `${app.id} `]) {
        const res = await review(t.server, encodeURIComponent(id), 'approve');
        expect(res.status).toBe(404);
        expect(res.body).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message: 'client not found',
        });
      }
      const listed = await request(t.server).get(`/admin/clients/${app.id}`).set(adminAuth);
      expect(listed.body.status).toBe('pending');
    });

    it('should need the admin credentials', async () => {
      const res = await request(t.server).post(`/admin/clients/${app.id}/approve`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
    });

    it('should record who approved it, when and from where', async () => {
      await review(t.server, app.id, 'approve').expect(200);
      const res = await auditEvents(t.server, { type: 'client.approved' }).expect(200);
      expect(res.body).toEqual([
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          type: 'client.approved',
          actor_type: 'admin_api_key',
          actor_user_id: null,
          user_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          client_id: app.id,
          ip: expect.stringMatching(IP),
          details: { review_version: '1' },
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        },
      ]);
    });

    it('should record an admin user acting with an admin-scope token as that user', async () => {
      const { body: admin } = await createUser(t.server, {
        username: 'root',
        role: 'admin',
      }).expect(201);
      const console_ = await registerTrustedClient(t.server, { scope: 'admin' });
      const { access_token: token } = await passwordTokens(t.server, console_, {
        username: 'root',
        scope: 'admin',
      });
      await request(t.server)
        .post(`/admin/clients/${app.id}/approve`)
        .set('Authorization', `Bearer ${token}`)
        .send({ review_version: 1 })
        .expect(200);
      const res = await auditEvents(t.server, { type: 'client.approved' }).expect(200);
      expect(res.body[0]).toMatchObject({
        actor_type: 'user',
        actor_user_id: admin.id,
        details: { review_version: '1', via_client_id: console_.id },
      });
    });
  });

  describe('POST /admin/clients/:id/reject', () => {
    it('should reject it with a reason its owner sees, and keep refusing it at both endpoints', async () => {
      const res = await review(t.server, app.id, 'reject', { reason: 'No privacy policy' }).expect(
        200,
      );
      expect(res.body).toMatchObject({ status: 'rejected', rejection_reason: 'No privacy policy' });

      const list = await developer.get('/developer/apps');
      expect(list.text).toContain('<span class="status status-rejected">Rejected</span>');
      expect(list.text).toContain('Reason: No privacy policy');

      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      const page = await authorizeAs(browser, app.id);
      expect(page.status).toBe(400);
      expect(page.text).toContain('<h1>Application not approved</h1>');
      const token = await tokenRequest(t.server, app, {
        grant_type: 'refresh_token',
        refresh_token: 'x',
      });
      expectNotApproved(token, 'rejected');

      const events = await auditEvents(t.server, { client_id: app.id }).expect(200);
      expect((events.body as { type: string }[]).map((event) => event.type)).toEqual([
        'client.rejected',
        'client.created',
      ]);
      expect(events.body[0].details).toEqual({ review_version: '1', reason: 'No privacy policy' });
    });

    it('should refuse a missing, empty or overlong reason with 400 naming the field', async () => {
      for (const body of [{}, { reason: '' }, { reason: 'x'.repeat(501) }]) {
        const res = await review(t.server, app.id, 'reject', body);
        expect(res.status).toBe(400);
        expect(Object.keys(res.body.fields)).toEqual(['reason']);
      }
    });

    it('should withdraw an approved application and take back its tokens, codes and consents for good', async () => {
      await review(t.server, app.id, 'approve').expect(200);
      const code = await obtainCode(t.server, { clientId: app.id, scope: 'profile' });
      const tokens = (await exchangeCode(t.server, app, code).expect(200)).body as IssuedTokens;
      const unused = await obtainCode(t.server, { clientId: app.id, scope: 'profile' });

      await review(t.server, app.id, 'reject', { reason: 'Abuse reported' }).expect(200);
      expectInvalidToken(await callMe(t.server, tokens.access_token));
      expectNotApproved(await refresh(t.server, app, tokens.refresh_token), 'rejected');

      // Approving it again brings nothing back: every user is asked again.
      const again = await review(t.server, app.id, 'approve').expect(200);
      expect(again.body).toMatchObject({ status: 'approved', rejection_reason: null });
      expectInvalidToken(await callMe(t.server, tokens.access_token));
      expectOAuthError(
        await refresh(t.server, app, tokens.refresh_token),
        400,
        'invalid_grant',
        'the refresh token is invalid or expired',
      );
      expectOAuthError(
        await exchangeCode(t.server, app, unused),
        400,
        'invalid_grant',
        'the authorization code was already used',
      );
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      const res = await authorizeAs(browser, app.id);
      expect(res.headers.location).toMatch(/^\/consent\?request=/);
    });

    it('should answer 409 when it is already rejected', async () => {
      await review(t.server, app.id, 'reject', { reason: 'No' }).expect(200);
      const res = await review(t.server, app.id, 'reject', { reason: 'Still no' });
      expect(res.status).toBe(409);
      expect(res.body.message).toBe('client is already rejected');
    });
  });

  it('should let exactly one of several concurrent decisions on a pending client take effect', async () => {
    const answers = await Promise.all([
      review(t.server, app.id, 'approve'),
      review(t.server, app.id, 'approve'),
      review(t.server, app.id, 'approve'),
    ]);
    expect(answers.map((res) => res.status).sort()).toEqual([200, 409, 409]);
    const events = await auditEvents(t.server, { type: 'client.approved' }).expect(200);
    expect(events.body).toHaveLength(1);
  });
});
