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
});
