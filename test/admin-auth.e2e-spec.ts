import request from 'supertest';
import { INVALID_TOKEN, INVALID_TOKEN_CHALLENGE } from './helpers/oauth';
import { ADMIN_API_KEY, createTestApp, TestApp } from './helpers/test-app';

const MALFORMED = 'send exactly one access token, in one Authorization: Bearer header';

describe('admin route authentication', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const routes = [
    ['get', '/admin/clients'],
    ['post', '/admin/clients'],
    ['get', '/admin/clients/x'],
    ['patch', '/admin/clients/x'],
    ['delete', '/admin/clients/x'],
    ['post', '/admin/clients/x/secret'],
    ['get', '/admin/users'],
    ['post', '/admin/users'],
    ['get', '/admin/users/x'],
    ['patch', '/admin/users/x'],
    ['delete', '/admin/users/x'],
  ] as const;

  it.each(routes)(
    'should answer 401 without an error code when %s %s has no credentials',
    async (method, path) => {
      await request(t.server)
        [method](path)
        .expect(401, {
          error: 'invalid_token',
          error_description: 'admin credentials are required',
        })
        .expect('WWW-Authenticate', 'Bearer realm="portcullis"');
    },
  );

  it.each(routes)(
    'should answer 401 invalid_token when %s %s has a wrong key',
    async (method, path) => {
      await request(t.server)
        [method](path)
        .set('Authorization', `Bearer ${ADMIN_API_KEY}x`)
        .expect(401, INVALID_TOKEN)
        .expect('WWW-Authenticate', INVALID_TOKEN_CHALLENGE);
    },
  );

  it('should treat another scheme as no credentials when Basic is used', async () => {
    await request(t.server)
      .get('/admin/clients')
      .auth('admin', ADMIN_API_KEY)
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="portcullis"');
  });

  it('should answer 400 invalid_request when the bearer header is malformed', async () => {
    await request(t.server)
      .get('/admin/clients')
      .set('Authorization', `Bearer ${ADMIN_API_KEY} ${ADMIN_API_KEY}`)
      .expect(400, { error: 'invalid_request', error_description: MALFORMED })
      .expect(
        'WWW-Authenticate',
        `Bearer realm="portcullis", error="invalid_request", error_description="${MALFORMED}"`,
      );
  });

  it('should ignore a key in the query string when no header is sent', async () => {
    await request(t.server).get(`/admin/clients?access_token=${ADMIN_API_KEY}`).expect(401);
  });

  it('should accept the key case-sensitively only when it matches exactly', async () => {
    await request(t.server)
      .get('/admin/clients')
      .set('Authorization', `Bearer ${ADMIN_API_KEY.toUpperCase()}`)
      .expect(401);
    await request(t.server)
      .get('/admin/clients')
      .set('Authorization', `bearer ${ADMIN_API_KEY}`)
      .expect(200);
  });

  it('should not require credentials when the health routes are called', async () => {
    await request(t.server).get('/health/live').expect(200, { status: 'ok' });
  });
});
