import { Controller, Get, INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { AccessGuard } from './access.guard';
import { AccessTokenVerifier, AdminOnly, TokenPrincipal } from './access';

const ADMIN_API_KEY = 'admin-key-0123456789abcdef0123456789abcdef';

@Controller()
class ProbeController {
  @Get('open')
  open() {
    return { ok: true };
  }

  @AdminOnly()
  @Get('admin')
  admin() {
    return { ok: true };
  }
}

const principals: Record<string, TokenPrincipal> = {
  'admin-token': { clientId: 'c', userId: 'u1', scopes: ['admin', 'email'], isAdminUser: true },
  'admin-user-without-scope': { clientId: 'c', userId: 'u1', scopes: ['email'], isAdminUser: true },
  'plain-user-with-scope': { clientId: 'c', userId: 'u2', scopes: ['admin'], isAdminUser: false },
};

class FakeVerifier extends AccessTokenVerifier {
  verify(token: string): Promise<TokenPrincipal | null> {
    return Promise.resolve(principals[token] ?? null);
  }
}

async function createApp(withVerifier: boolean): Promise<INestApplication<App>> {
  const moduleRef = await Test.createTestingModule({
    controllers: [ProbeController],
    providers: [
      { provide: ConfigService, useValue: new ConfigService({ ADMIN_API_KEY }) },
      { provide: APP_GUARD, useClass: AccessGuard },
      ...(withVerifier ? [{ provide: AccessTokenVerifier, useClass: FakeVerifier }] : []),
    ],
  }).compile();
  const app = moduleRef.createNestApplication<INestApplication<App>>({ logger: false });
  return app.init();
}

describe('AccessGuard', () => {
  let app: INestApplication<App>;

  beforeAll(async () => {
    app = await createApp(true);
  });

  afterAll(() => app.close());

  it('should let anyone call a route that is not admin-only', async () => {
    await request(app.getHttpServer()).get('/open').expect(200, { ok: true });
  });

  it.each([
    { authorization: `Bearer ${ADMIN_API_KEY}`, name: 'the ADMIN_API_KEY' },
    { authorization: `bearer ${ADMIN_API_KEY}`, name: 'a lower-case scheme' },
    { authorization: 'Bearer admin-token', name: 'an admin user token with scope admin' },
  ])('should allow $name', async ({ authorization }) => {
    await request(app.getHttpServer())
      .get('/admin')
      .set('Authorization', authorization)
      .expect(200, { ok: true });
  });

  it.each([
    { name: 'no header', headers: {} },
    { name: 'Basic credentials', headers: { Authorization: 'Basic YWRtaW46YWRtaW4=' } },
  ])('should answer 401 without an error code when there is $name', async ({ headers }) => {
    await request(app.getHttpServer())
      .get('/admin')
      .set(headers)
      .expect(401, {
        statusCode: 401,
        message: 'Admin credentials are required',
        error: 'Unauthorized',
      })
      .expect('WWW-Authenticate', 'Bearer realm="portcullis"');
  });

  it.each(['not-a-token', ADMIN_API_KEY.slice(0, -1), 'admin-token-x'])(
    'should answer 401 invalid_token when the token is %s',
    async (token) => {
      await request(app.getHttpServer())
        .get('/admin')
        .set('Authorization', `Bearer ${token}`)
        .expect(401, {
          statusCode: 401,
          message: 'The access token is invalid or expired',
          error: 'Unauthorized',
        })
        .expect('WWW-Authenticate', 'Bearer realm="portcullis", error="invalid_token"');
    },
  );

  it.each(['admin-user-without-scope', 'plain-user-with-scope'])(
    'should answer 403 insufficient_scope for %s',
    async (token) => {
      await request(app.getHttpServer())
        .get('/admin')
        .set('Authorization', `Bearer ${token}`)
        .expect(403, {
          statusCode: 403,
          message: 'An admin user with scope "admin" is required',
          error: 'Forbidden',
        })
        .expect(
          'WWW-Authenticate',
          'Bearer realm="portcullis", error="insufficient_scope", scope="admin"',
        );
    },
  );

  it.each([`Bearer ${ADMIN_API_KEY} extra`, 'Bearer', 'Bearer a=b'])(
    'should answer 400 invalid_request for the malformed header "%s"',
    async (authorization) => {
      await request(app.getHttpServer())
        .get('/admin')
        .set('Authorization', authorization)
        .expect(400, {
          statusCode: 400,
          error: 'invalid_request',
          message: 'The Authorization header must be "Bearer <token>" with exactly one token',
        })
        .expect('WWW-Authenticate', 'Bearer realm="portcullis", error="invalid_request"');
    },
  );

  it('should ignore a token in the query string', async () => {
    await request(app.getHttpServer())
      .get(`/admin?access_token=${ADMIN_API_KEY}`)
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="portcullis"');
  });

  it('should accept only the ADMIN_API_KEY when no token verifier is provided', async () => {
    const keyOnly = await createApp(false);
    try {
      await request(keyOnly.getHttpServer())
        .get('/admin')
        .set('Authorization', 'Bearer admin-token')
        .expect(401)
        .expect('WWW-Authenticate', 'Bearer realm="portcullis", error="invalid_token"');
      await request(keyOnly.getHttpServer())
        .get('/admin')
        .set('Authorization', `Bearer ${ADMIN_API_KEY}`)
        .expect(200);
    } finally {
      await keyOnly.close();
    }
  });
});
