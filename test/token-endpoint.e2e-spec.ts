import request from 'supertest';
import { createClient, createUser } from './factories';
import {
  CALLBACK,
  exchangeCode,
  expectInvalidClient,
  expectOAuthError,
  obtainCode,
  TOKEN_HEADERS,
  tokenRequest,
} from './helpers/oauth';
import { rawRequest } from './helpers/raw-request';
import { createTestApp, TestApp } from './helpers/test-app';

const SPA_ORIGIN = 'https://spa.example.com';

describe('token endpoint: client authentication and request errors', () => {
  let t: TestApp;
  // client_secret_basic (the default), client_secret_post, and a public SPA (none).
  let basic: { id: string; secret: string };
  let post: { id: string; secret: string };
  let spa: { id: string };

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    let { body } = await createClient(t.server, { skip_consent: true }).expect(201);
    basic = { id: body.client_id, secret: body.client_secret };
    ({ body } = await createClient(t.server, {
      skip_consent: true,
      token_endpoint_auth_method: 'client_secret_post',
    }).expect(201));
    post = { id: body.client_id, secret: body.client_secret };
    ({ body } = await createClient(t.server, {
      skip_consent: true,
      token_endpoint_auth_method: 'none',
      allowed_origins: [SPA_ORIGIN],
    }).expect(201));
    spa = { id: body.client_id };
  });
  afterAll(async () => {
    await t.close();
  });

  const token = () => request(t.server).post('/oauth/token');
  const codeForm = async (clientId: string) => {
    const issued = await obtainCode(t.server, { clientId });
    return {
      grant_type: 'authorization_code',
      code: issued.code,
      redirect_uri: CALLBACK,
      code_verifier: issued.verifier,
    };
  };
  const basicHeader = (id: string, secret: string) =>
    `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const expectClientAuthFailed = (res: request.Response) =>
    expectInvalidClient(res, 'client authentication failed');

  describe('client_secret_basic', () => {
    it('should accept the id and secret in the Authorization header', async () => {
      await token()
        .type('form')
        .set('Authorization', basicHeader(basic.id, basic.secret))
        .send(await codeForm(basic.id))
        .expect(200);
    });

    it('should form-decode the id and secret before comparing them (RFC 6749 §2.3.1)', async () => {
      const encodedSecret = basic.secret.replace(/-/g, '%2D').replace(/_/g, '%5F');
      const encodedId = basic.id.replace(/[A-Za-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`);
      await token()
        .type('form')
        .set('Authorization', basicHeader(encodedId, `${encodedSecret}`))
        .send(await codeForm(basic.id))
        .expect(200);
      // `+` is a space in form encoding, so it is not the secret.
      const res = await token()
        .type('form')
        .set('Authorization', basicHeader(basic.id, `${basic.secret}+`))
        .send(await codeForm(basic.id));
      expectClientAuthFailed(res);
    });

    it('should accept a client_id in the body that names the same client', async () => {
      await token()
        .type('form')
        .set('Authorization', basicHeader(basic.id, basic.secret))
        .send({ ...(await codeForm(basic.id)), client_id: basic.id })
        .expect(200);
    });

    it('should answer invalid_request when the body names another client_id', async () => {
      const res = await token()
        .type('form')
        .set('Authorization', basicHeader(basic.id, basic.secret))
        .send({ grant_type: 'authorization_code', client_id: post.id });
      expectOAuthError(
        res,
        400,
        'invalid_request',
        'client_id does not match the Authorization header',
      );
    });

    it.each([
      ['a wrong secret', () => basicHeader(basic.id, `${basic.secret}x`)],
      ['an unknown client', () => basicHeader('no-such-client', basic.secret)],
      ['an empty secret', () => basicHeader(basic.id, '')],
      ['no colon', () => `Basic ${Buffer.from(basic.id).toString('base64')}`],
      ['broken base64', () => 'Basic %%%'],
      ['a bad percent-escape', () => basicHeader(basic.id, '%E0%A4%A')],
      ['another scheme', () => `Bearer ${basic.secret}`],
    ])('should answer 401 invalid_client with a Basic challenge for %s', async (_name, header) => {
      const res = await token()
        .type('form')
        .set('Authorization', header())
        .send({ grant_type: 'authorization_code', code: 'x' });
      expectClientAuthFailed(res);
    });

    it('should not accept the stored hash of the secret as the secret', async () => {
      const [row] = await t.dataSource.query(
        `SELECT secret_hash FROM clients WHERE client_id = '${basic.id}'`,
      );
      const res = await token()
        .type('form')
        .set('Authorization', basicHeader(basic.id, row.secret_hash))
        .send({ grant_type: 'authorization_code', code: 'x' });
      expectClientAuthFailed(res);
    });

    it('should accept client_secret_post from a client registered for client_secret_basic', async () => {
      await token()
        .type('form')
        .send({ ...(await codeForm(basic.id)), client_id: basic.id, client_secret: basic.secret })
        .expect(200);
    });

    it('should refuse a wrong secret in the body as it refuses one in the header', async () => {
      const res = await token()
        .type('form')
        .send({ grant_type: 'authorization_code', client_id: basic.id, client_secret: 'x' });
      expectClientAuthFailed(res);
    });

    it('should refuse a confidential client that sends no secret', async () => {
      const res = await token()
        .type('form')
        .send({ ...(await codeForm(basic.id)), client_id: basic.id });
      expectClientAuthFailed(res);
    });
  });

  describe('client_secret_post', () => {
    it('should accept the id and secret in the form body', async () => {
      await token()
        .type('form')
        .send({ ...(await codeForm(post.id)), client_id: post.id, client_secret: post.secret })
        .expect(200);
    });

    it('should accept HTTP Basic from a client registered for client_secret_post', async () => {
      await token()
        .type('form')
        .set('Authorization', basicHeader(post.id, post.secret))
        .send(await codeForm(post.id))
        .expect(200);
    });

    it('should answer invalid_request for two Authorization headers', async () => {
      const res = await rawRequest(t.app, {
        method: 'POST',
        path: '/oauth/token',
        headers: [
          'Content-Type',
          'application/x-www-form-urlencoded',
          'Authorization',
          basicHeader(basic.id, basic.secret),
          'Authorization',
          basicHeader(post.id, post.secret),
        ],
        body: new URLSearchParams(await codeForm(basic.id)).toString(),
      });
      expect(res.status).toBe(400);
      expect(res.headers).toMatchObject(TOKEN_HEADERS);
      expect(JSON.parse(res.body)).toEqual({
        error: 'invalid_request',
        error_description: 'use one client authentication method per request',
      });
    });

    it('should answer invalid_request when both methods are used at once', async () => {
      const res = await token()
        .type('form')
        .set('Authorization', basicHeader(post.id, post.secret))
        .send({ grant_type: 'authorization_code', client_secret: post.secret });
      expectOAuthError(
        res,
        400,
        'invalid_request',
        'use one client authentication method per request',
      );
    });

    it('should never read client credentials from the query string', async () => {
      const res = await token()
        .query({ client_id: post.id, client_secret: post.secret })
        .type('form')
        .send(await codeForm(post.id));
      expectInvalidClient(res, 'client authentication is required');
    });
  });

  describe('none (public clients)', () => {
    it('should accept a public client identified by client_id alone', async () => {
      const res = await token()
        .type('form')
        .send({ ...(await codeForm(spa.id)), client_id: spa.id });
      expect(res.status).toBe(200);
      expect(res.body.refresh_token).toEqual(expect.any(String));
    });

    it('should refuse a public client that sends a secret', async () => {
      const res = await token()
        .type('form')
        .send({ ...(await codeForm(spa.id)), client_id: spa.id, client_secret: 'anything' });
      expectClientAuthFailed(res);
    });

    it('should refuse a disabled client as if it were unknown', async () => {
      const { body } = await createClient(t.server, {
        token_endpoint_auth_method: 'none',
        enabled: false,
      }).expect(201);
      const res = await token()
        .type('form')
        .send({ grant_type: 'authorization_code', code: 'x', client_id: body.client_id });
      expectClientAuthFailed(res);
    });
  });

  describe('request format', () => {
    it.each([
      ['JSON', 'application/json', JSON.stringify({ grant_type: 'authorization_code' })],
      ['plain text', 'text/plain', 'grant_type=authorization_code'],
    ])('should answer invalid_request for a %s body', async (_name, contentType, payload) => {
      const res = await token()
        .set('Content-Type', contentType)
        .set('Authorization', basicHeader(basic.id, basic.secret))
        .send(payload);
      expectOAuthError(
        res,
        400,
        'invalid_request',
        'the request body must be application/x-www-form-urlencoded',
      );
    });

    it.each([
      ['malformed JSON', 'application/json', 'client_secret=abc&code=x'],
      ['an unknown charset', 'application/x-www-form-urlencoded; charset=koi8-r', 'a=b'],
    ])(
      'should answer %s with RFC 6749 JSON that echoes nothing',
      async (_name, contentType, payload) => {
        const res = await token().set('Content-Type', contentType).send(payload);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers).toMatchObject(TOKEN_HEADERS);
        expect(res.body).toEqual({
          error: 'invalid_request',
          error_description: 'the request is malformed',
        });
      },
    );

    it('should answer a body over 100 KiB with 413 invalid_request', async () => {
      const res = await token()
        .type('form')
        .set('Authorization', basicHeader(basic.id, basic.secret))
        .send(`grant_type=authorization_code&code=${'a'.repeat(101 * 1024)}`);
      expectOAuthError(res, 413, 'invalid_request', 'the request is malformed');
    });

    it('should answer a form of more than 1000 fields with 413 invalid_request', async () => {
      const fields = Array.from({ length: 1001 }, (_, i) => `a[${i}]=x`).join('&');
      const res = await token()
        .type('form')
        .set('Authorization', basicHeader(basic.id, basic.secret))
        .send(fields);
      expectOAuthError(res, 413, 'invalid_request', 'the request is malformed');
    });

    // Fastify routes a percent-encoded path to the same endpoint: its errors keep the OAuth form.
    it('should answer a malformed body at /oauth/%74oken with RFC 6749 JSON', async () => {
      const res = await request(t.server)
        .post('/oauth/%74oken')
        .set('Content-Type', 'application/json')
        .send('{');
      expectOAuthError(res, 400, 'invalid_request', 'the request is malformed');
    });

    it('should answer invalid_request when there is no body', async () => {
      const res = await token().set('Authorization', basicHeader(basic.id, basic.secret));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('should answer 404 for GET', async () => {
      await request(t.server).get('/oauth/token').expect(404);
    });

    it('should answer invalid_request when grant_type is missing', async () => {
      const res = await tokenRequest(t.server, basic, { code: 'x' });
      expectOAuthError(res, 400, 'invalid_request', 'grant_type is required');
    });

    it.each(['implicit', 'urn:ietf:params:oauth:grant-type:device_code', 'password '])(
      'should answer unsupported_grant_type for %s',
      async (grantType) => {
        const res = await tokenRequest(t.server, basic, { grant_type: grantType });
        expectOAuthError(res, 400, 'unsupported_grant_type', 'this grant_type is not supported');
      },
    );

    it('should answer unauthorized_client for a grant the client does not list', async () => {
      const res = await tokenRequest(t.server, basic, {
        grant_type: 'password',
        username: 'alice',
        password: 'x',
      });
      expectOAuthError(
        res,
        400,
        'unauthorized_client',
        'this client may not use the password grant',
      );
    });

    it.each([
      ['grant_type=authorization_code&grant_type=password', 'grant_type'],
      ['grant_type=authorization_code&code=a&code=b', 'code'],
      ['grant_type=authorization_code&code[]=a', 'code'],
      ['grant_type=authorization_code&code[x]=a', 'code'],
      ['grant_type=authorization_code&code[0]=a&code=b', 'code'],
    ])('should answer invalid_request for the repeated parameter in %s', async (body, name) => {
      const res = await token()
        .type('form')
        .set('Authorization', basicHeader(basic.id, basic.secret))
        .send(body);
      expectOAuthError(
        res,
        400,
        'invalid_request',
        `${name} must be given once, as a single value`,
      );
    });

    it('should answer invalid_request for a repeated client_id', async () => {
      const res = await token().type('form').send(`client_id=${spa.id}&client_id=${spa.id}`);
      expectOAuthError(
        res,
        400,
        'invalid_request',
        'client_id must be given once, as a single value',
      );
    });

    it('should answer invalid_request for a parameter over 2048 characters without echoing it', async () => {
      const res = await tokenRequest(t.server, basic, {
        grant_type: 'authorization_code',
        code: 'c'.repeat(2049),
      });
      expectOAuthError(res, 400, 'invalid_request', 'code is longer than 2048 characters');
    });

    it('should ignore unknown parameters (RFC 6749 §3.1)', async () => {
      await tokenRequest(t.server, basic, {
        ...(await codeForm(basic.id)),
        claims: '{"userinfo":{}}',
      }).expect(200);
    });
  });

  describe('CORS', () => {
    it('should allow an origin a client lists, without credentials', async () => {
      const res = await token()
        .set('Origin', SPA_ORIGIN)
        .type('form')
        .send({ ...(await codeForm(spa.id)), client_id: spa.id });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers.vary).toContain('Origin');
    });

    it('should answer the preflight of a listed origin', async () => {
      const res = await request(t.server)
        .options('/oauth/token')
        .set('Origin', SPA_ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type');
      expect(res.status).toBe(204);
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': SPA_ORIGIN,
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'Authorization, Content-Type',
        'access-control-max-age': '600',
      });
    });

    it.each(['https://evil.example.com', 'https://spa.example.com.evil.com', 'null', '%', '"'])(
      'should send no CORS headers to the unlisted origin %s',
      async (origin) => {
        const res = await token()
          .set('Origin', origin)
          .type('form')
          .send({ grant_type: 'authorization_code', client_id: spa.id });
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        const preflight = await request(t.server).options('/oauth/token').set('Origin', origin);
        expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      },
    );

    it('should stop allowing an origin when its client is disabled', async () => {
      const origin = 'https://disabled.example.com';
      const { body } = await createClient(t.server, {
        token_endpoint_auth_method: 'none',
        allowed_origins: [origin],
        enabled: false,
      }).expect(201);
      expect(body.enabled).toBe(false);
      const res = await request(t.server).options('/oauth/token').set('Origin', origin);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('should never send CORS headers on the authorization endpoint', async () => {
      const res = await request(t.server)
        .get(`/oauth/authorize?client_id=${spa.id}`)
        .set('Origin', SPA_ORIGIN);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('should keep one exchange working after another failed in the same process', async () => {
    await exchangeCode(t.server, basic, { code: 'nope', verifier: 'v' }).expect(400);
    await exchangeCode(t.server, basic, await obtainCode(t.server, { clientId: basic.id })).expect(
      200,
    );
  });
});
