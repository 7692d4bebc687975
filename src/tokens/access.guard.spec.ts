import { Controller, Get, Post } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AdminOnly, Principal, Scopes, TokenPrincipal } from '../common/access';
import { httpAdapter } from '../app.setup';
import { ErrorsFilter } from '../common/errors.filter';
import { AccessGuard } from './access.guard';
import { AccessTokensService } from './access-tokens.service';

const ADMIN_API_KEY = 'admin-key-0123456789abcdef0123456789abcdef';
const MALFORMED = 'send exactly one access token, in one Authorization: Bearer header';
const INVALID_TOKEN_CHALLENGE =
  'Bearer realm="portcullis", error="invalid_token", ' +
  'error_description="the access token is invalid or expired"';
const INVALID_REQUEST_CHALLENGE = `Bearer realm="portcullis", error="invalid_request", error_description="${MALFORMED}"`;

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

  @Scopes()
  @Get('any-token')
  anyToken(@Principal() principal: TokenPrincipal) {
    return { user: principal.user.id };
  }

  @Scopes('email')
  @Get('email')
  email() {
    return { ok: true };
  }

  @Scopes('email')
  @Post('email')
  postEmail() {
    return { ok: true };
  }
}

const principal = (scopes: string[], isAdmin: boolean): TokenPrincipal => ({
  clientId: 'c',
  scopes,
  user: { id: isAdmin ? 'u1' : 'u2', username: 'u', email: null, name: null, isAdmin },
});

const principals: Record<string, TokenPrincipal> = {
  'admin-token': principal(['admin', 'email'], true),
  'admin-user-without-scope': principal(['email'], true),
  'plain-user-with-scope': principal(['admin'], false),
  'profile-token': principal(['profile'], false),
};

async function createApp(): Promise<NestFastifyApplication> {
  const verifier = { verify: (token: string) => Promise.resolve(principals[token] ?? null) };
  const moduleRef = await Test.createTestingModule({
    controllers: [ProbeController],
    providers: [
      { provide: ConfigService, useValue: new ConfigService({ ADMIN_API_KEY }) },
      { provide: AccessTokensService, useValue: verifier },
      { provide: APP_GUARD, useClass: AccessGuard },
      { provide: APP_FILTER, useClass: ErrorsFilter },
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(httpAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('AccessGuard', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createApp();
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
      .expect(401, { error: 'invalid_token', error_description: 'admin credentials are required' })
      .expect('WWW-Authenticate', 'Bearer realm="portcullis"');
  });

  it.each(['not-a-token', ADMIN_API_KEY.slice(0, -1), 'admin-token-x'])(
    'should answer 401 invalid_token when the token is %s',
    async (token) => {
      await request(app.getHttpServer())
        .get('/admin')
        .set('Authorization', `Bearer ${token}`)
        .expect(401, {
          error: 'invalid_token',
          error_description: 'the access token is invalid or expired',
        })
        .expect('WWW-Authenticate', INVALID_TOKEN_CHALLENGE);
    },
  );

  it.each(['admin-user-without-scope', 'plain-user-with-scope'])(
    'should answer 403 insufficient_scope for %s',
    async (token) => {
      await request(app.getHttpServer())
        .get('/admin')
        .set('Authorization', `Bearer ${token}`)
        .expect(403, {
          error: 'insufficient_scope',
          error_description: 'an admin user with scope admin is required',
        })
        .expect(
          'WWW-Authenticate',
          'Bearer realm="portcullis", error="insufficient_scope", ' +
            'error_description="an admin user with scope admin is required", scope="admin"',
        );
    },
  );

  it.each([`Bearer ${ADMIN_API_KEY} extra`, 'Bearer', 'Bearer a=b'])(
    'should answer 400 invalid_request for the malformed header "%s"',
    async (authorization) => {
      await request(app.getHttpServer())
        .get('/admin')
        .set('Authorization', authorization)
        .expect(400, { error: 'invalid_request', error_description: MALFORMED })
        .expect('WWW-Authenticate', INVALID_REQUEST_CHALLENGE);
    },
  );

  it('should ignore a token in the query string', async () => {
    await request(app.getHttpServer())
      .get(`/admin?access_token=${ADMIN_API_KEY}`)
      .expect(401)
      .expect('WWW-Authenticate', 'Bearer realm="portcullis"');
  });

  it('should hand the route the principal when any valid token is enough', async () => {
    await request(app.getHttpServer())
      .get('/any-token')
      .set('Authorization', 'Bearer profile-token')
      .expect(200, { user: 'u2' });
  });

  it('should answer 401 with no error code when a scoped route gets no token', async () => {
    await request(app.getHttpServer())
      .get('/email')
      .expect(401, { error: 'invalid_token', error_description: 'an access token is required' })
      .expect('WWW-Authenticate', 'Bearer realm="portcullis"');
  });

  it('should answer 403 insufficient_scope naming the scope when the token lacks it', async () => {
    await request(app.getHttpServer())
      .get('/email')
      .set('Authorization', 'Bearer profile-token')
      .expect(403, {
        error: 'insufficient_scope',
        error_description: 'this route needs scope email',
      })
      .expect(
        'WWW-Authenticate',
        'Bearer realm="portcullis", error="insufficient_scope", ' +
          'error_description="this route needs scope email", scope="email"',
      );
  });

  it('should refuse the ADMIN_API_KEY on a route that needs a user token', async () => {
    await request(app.getHttpServer())
      .get('/any-token')
      .set('Authorization', `Bearer ${ADMIN_API_KEY}`)
      .expect(401, {
        error: 'invalid_token',
        error_description: 'the access token is invalid or expired',
      })
      .expect('WWW-Authenticate', INVALID_TOKEN_CHALLENGE);
  });

  it('should answer 400 invalid_request when a token is sent in the header and the body', async () => {
    await request(app.getHttpServer())
      .post('/email')
      .set('Authorization', 'Bearer admin-token')
      .type('form')
      .send({ access_token: 'admin-token' })
      .expect(400, { error: 'invalid_request', error_description: MALFORMED })
      .expect('WWW-Authenticate', INVALID_REQUEST_CHALLENGE);
  });
});
