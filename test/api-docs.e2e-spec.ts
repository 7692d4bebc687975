import request from 'supertest';
import { createTestApp, TestApp } from './helpers/test-app';

// What the API documentation is sent with: the hosted pages' protections (never framed, no
// Referer, not cached), with a policy that lets its own scripts and styles run.
const DOCS_HEADERS = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none';script-src 'self';style-src 'self' 'unsafe-inline';img-src 'self' data:;connect-src 'self';base-uri 'none';frame-ancestors 'none'",
};

describe('API documentation (/docs)', () => {
  let t: TestApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('should be served with the page security headers outside production', async () => {
    t = await createTestApp();
    const page = await request(t.server).get('/docs').expect(200);
    expect(page.headers).toMatchObject(DOCS_HEADERS);
    const json = await request(t.server).get('/docs-json').expect(200);
    expect(json.headers).toMatchObject(DOCS_HEADERS);
  });

  it('should not be served when DOCS_ENABLED is false', async () => {
    t = await createTestApp({ DOCS_ENABLED: 'false' });
    await request(t.server).get('/docs').expect(404);
    await request(t.server).get('/docs-json').expect(404);
  });

  it('should be off in production unless DOCS_ENABLED is true', async () => {
    const production = { NODE_ENV: 'production', ISSUER: 'https://id.example.com' };
    t = await createTestApp(production);
    await request(t.server).get('/docs').expect(404);
    await t.close();
    t = await createTestApp({ ...production, DOCS_ENABLED: 'true' });
    const page = await request(t.server).get('/docs').expect(200);
    expect(page.headers).toMatchObject(DOCS_HEADERS);
  });
});
