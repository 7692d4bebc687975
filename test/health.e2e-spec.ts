import request from 'supertest';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

describe('health', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    if (!t.dataSource.isInitialized) {
      await t.dataSource.initialize();
    }
    await t.close();
  });

  it('should answer 200 on liveness when the process is up', async () => {
    await request(t.server).get('/health/live').expect(200, { status: 'ok' });
  });

  it('should answer 200 on readiness when the database answers', async () => {
    await request(t.server).get('/health/ready').expect(200, { status: 'ok', database: 'up' });
  });

  it('should answer 503 while the database is unreachable and recover without a restart', async () => {
    await t.dataSource.destroy();
    await request(t.server).get('/health/ready').expect(503, {
      statusCode: 503,
      error: 'Service Unavailable',
      status: 'unavailable',
      database: 'down',
    });
    await t.dataSource.initialize();
    await request(t.server).get('/health/ready').expect(200, { status: 'ok', database: 'up' });
    await request(t.server).get('/admin/users').set(adminAuth).expect(200);
  });

  it('should serve the OpenAPI UI and document when /docs is requested', async () => {
    await request(t.server).get('/docs').expect(200).expect('Content-Type', /html/);
    const res = await request(t.server).get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/admin/clients',
        '/admin/clients/{id}/secret',
        '/admin/users/{id}',
        '/admin/apis',
        '/admin/apis/{id}',
      ]),
    );
  });

  it('should document the OAuth endpoints, /api/me, their error bodies and every response code', async () => {
    const { body } = await request(t.server).get('/docs-json').expect(200);
    const codes = (path: string, method: string) =>
      Object.keys(body.paths[path][method].responses).sort();
    expect(codes('/oauth/token', 'post')).toEqual(['200', '400', '401', '429', '503']);
    expect(codes('/oauth/revoke', 'post')).toEqual(['200', '400', '401', '503']);
    expect(codes('/oauth/introspect', 'post')).toEqual(['200', '400', '401', '503']);
    expect(codes('/.well-known/oauth-authorization-server', 'get')).toEqual(['200']);
    expect(codes('/oauth/jwks', 'get')).toEqual(['200']);
    expect(codes('/oauth/authorize', 'get')).toEqual(['303', '400', '503']);
    expect(codes('/oauth/authorize', 'post')).toEqual(['303', '400', '503']);
    expect(codes('/api/me', 'get')).toEqual(['200', '400', '401', '403']);
    expect(codes('/admin/clients/{id}', 'delete')).toEqual(['204', '401', '403', '404']);
    expect(codes('/admin/users/{id}', 'delete')).toEqual(['204', '401', '403', '404']);
    expect(body.paths['/oauth/token'].post.responses['401'].content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/OAuthErrorBody' } },
    });
    expect(body.components.schemas.OAuthErrorBody.required).toEqual(['error', 'error_description']);
    expect(
      Object.keys(
        body.paths['/oauth/token'].post.requestBody.content['application/x-www-form-urlencoded']
          .schema.properties,
      ),
    ).toEqual(
      expect.arrayContaining(['grant_type', 'code', 'code_verifier', 'client_id', 'client_secret']),
    );
  });
});
