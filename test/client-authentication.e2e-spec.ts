import { Logger } from '@nestjs/common';
import request from 'supertest';
import { createClient, createUser, STRONG_PASSWORD } from './factories';
import {
  CALLBACK,
  expectInvalidClient,
  expectOAuthError,
  expectTokenResponse,
  IssuedTokens,
  obtainCode,
} from './helpers/oauth';
import { createTestApp, TestApp } from './helpers/test-app';

// Client libraries send a confidential client's secret the way they default to, not the way the
// client was registered: each request below is what one of them sends on its defaults, for a
// client registered with the default method (client_secret_basic).
describe('client authentication as client libraries send it', () => {
  let t: TestApp;
  let web: { id: string; secret: string };
  let cli: { id: string; secret: string };
  let spa: { id: string };
  let warnings: string[];

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    let { body } = await createClient(t.server, { skip_consent: true }).expect(201);
    web = { id: body.client_id, secret: body.client_secret };
    ({ body } = await createClient(t.server, {
      grant_types: ['password', 'refresh_token'],
      redirect_uris: [],
    }).expect(201));
    cli = { id: body.client_id, secret: body.client_secret };
    ({ body } = await createClient(t.server, {
      skip_consent: true,
      token_endpoint_auth_method: 'none',
    }).expect(201));
    spa = { id: body.client_id };
  });
  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => {
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const REFRESH_X = { grant_type: 'refresh_token', refresh_token: 'x' };
  const token = () => request(t.server).post('/oauth/token').type('form');
  const basicAuth = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  async function webTokens(): Promise<IssuedTokens> {
    const { code, verifier } = await obtainCode(t.server, { clientId: web.id });
    const res = await token().send({
      grant_type: 'authorization_code',
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
      client_id: web.id,
      client_secret: web.secret,
    });
    expectTokenResponse(res, 'profile email');
    return res.body as IssuedTokens;
  }

  it("should accept openid-client's default client_secret_post on the code exchange", async () => {
    await webTokens();
  });

  it("should accept requests-oauthlib's refresh with auto_refresh_kwargs (id and secret in the body)", async () => {
    const { refresh_token: refreshToken } = await webTokens();
    const res = await token().send({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      scope: 'profile email',
      client_id: web.id,
      client_secret: web.secret,
    });
    expectTokenResponse(res, 'profile email');
  });

  it("should accept the drchrono flow's form-body refresh, which also sends redirect_uri", async () => {
    const { refresh_token: refreshToken } = await webTokens();
    const res = await token().send({
      refresh_token: refreshToken,
      grant_type: 'refresh_token',
      redirect_uri: CALLBACK,
      client_id: web.id,
      client_secret: web.secret,
    });
    expectTokenResponse(res, 'profile email');
  });

  it('should accept the curl password grant with the secret in the body', async () => {
    const res = await token().send({
      grant_type: 'password',
      username: 'alice',
      password: STRONG_PASSWORD,
      client_id: cli.id,
      client_secret: cli.secret,
    });
    expectTokenResponse(res, 'profile email');
  });

  it('should accept the secret in the body on introspection and revocation too', async () => {
    const { access_token: accessToken } = await webTokens();
    const credentials = { client_id: web.id, client_secret: web.secret };
    const introspected = await request(t.server)
      .post('/oauth/introspect')
      .type('form')
      .send({ token: accessToken, ...credentials })
      .expect(200);
    expect(introspected.body).toMatchObject({ active: true, client_id: web.id });
    await request(t.server)
      .post('/oauth/revoke')
      .type('form')
      .send({ token: accessToken, ...credentials })
      .expect(200);
  });

  it('should still refuse both methods in one request', async () => {
    const res = await token()
      .set('Authorization', basicAuth(web.id, web.secret))
      .send({ grant_type: 'refresh_token', refresh_token: 'x', client_secret: web.secret });
    expectOAuthError(
      res,
      400,
      'invalid_request',
      'use one client authentication method per request',
    );
  });

  it.each([
    [
      'in the body',
      () => token().send({ ...REFRESH_X, client_id: spa.id, client_secret: 'anything' }),
    ],
    [
      'with HTTP Basic',
      () => token().set('Authorization', basicAuth(spa.id, 'anything')).send(REFRESH_X),
    ],
  ])('should still refuse a secret from a public client %s', async (_how, send) => {
    const res = await send();
    expectInvalidClient(res, 'client authentication failed');
    expect(warnings).toEqual([expect.stringContaining(': a public client sent a secret (')]);
  });

  it.each([
    [
      'an unknown client',
      () => ({ client_id: 'no-such-client', client_secret: 's' }),
      'unknown client',
    ],
    ['a wrong secret', () => ({ client_id: web.id, client_secret: 'wrong' }), 'wrong secret'],
    [
      'a confidential client without its secret',
      () => ({ client_id: web.id }),
      'no secret sent by a confidential client',
    ],
  ])(
    'should log why authentication failed for %s, and answer only invalid_client',
    async (_name, credentials, reason) => {
      const res = await token().send({
        grant_type: 'refresh_token',
        refresh_token: 'x',
        ...credentials(),
      });
      expectInvalidClient(res, 'client authentication failed');
      expect(warnings).toEqual([
        `client authentication failed on /oauth/token: ${reason} ` +
          `(client_id ${JSON.stringify(credentials().client_id)}, method ${
            'client_secret' in credentials() ? 'client_secret_post' : 'none'
          })`,
      ]);
      expect(warnings.join('\n')).not.toContain(web.secret);
    },
  );

  it('should log a disabled client as such and answer as for an unknown one', async () => {
    const { body } = await createClient(t.server, { enabled: false }).expect(201);
    const res = await token()
      .set('Authorization', basicAuth(body.client_id, body.client_secret))
      .send({ grant_type: 'refresh_token', refresh_token: 'x' });
    expectInvalidClient(res, 'client authentication failed');
    expect(warnings).toEqual([
      `client authentication failed on /oauth/token: client disabled ` +
        `(client_id "${body.client_id}", method client_secret_basic)`,
    ]);
    expect(warnings.join('\n')).not.toContain(body.client_secret);
  });
});
