import request from 'supertest';
import { createUser, STRONG_PASSWORD } from './factories';
import { Browser, PAGE_HEADERS } from './helpers/browser';
import { exchangeCode, obtainCode, registerClient } from './helpers/oauth';
import { createTestApp, TestApp } from './helpers/test-app';

const SIGN_OUT_FORM = '<form method="post" action="/logout">';

describe('home page and sign out on every hosted page', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, {
      username: 'alice',
      email: 'alice@example.com',
      name: 'Alice Liddell',
    }).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer / signed out with a short page and Sign in, not a JSON 404', async () => {
    const res = await request(t.server).get('/');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(PAGE_HEADERS);
    expect(res.text).toContain('<title>Welcome · Portcullis</title>');
    expect(res.text).toContain('<a class="button" href="/login">Sign in</a>');
    expect(res.text).not.toContain(SIGN_OUT_FORM);
  });

  it('should show the account home signed in: who, connected apps, own applications, sign out', async () => {
    const photos = await registerClient(t.server, { client_name: 'Photo Print' });
    await exchangeCode(
      t.server,
      photos,
      await obtainCode(t.server, { clientId: photos.id, scope: 'profile' }),
    ).expect(200);
    const browser = new Browser(t.server);
    await browser.signIn('alice', STRONG_PASSWORD);
    await browser.get('/developer/apps/new');
    await browser.post('/developer/apps', {
      csrf_token: browser.csrf,
      client_name: 'Alice Tools',
      redirect_uris: 'https://tools.example.com/cb',
      client_type: 'public',
      scope: 'profile',
    });
    const res = await browser.get('/');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(PAGE_HEADERS);
    expect(res.text).toContain('<title>Your account · Portcullis</title>');
    expect(res.text).toContain('Signed in as <strong>alice</strong>');
    expect(res.text).toContain('<dd>Alice Liddell</dd>');
    expect(res.text).toContain('<dd>alice@example.com</dd>');
    expect(res.text).toContain('1 application has access to your account:');
    expect(res.text).toContain('<strong>Photo Print</strong>');
    expect(res.text).toContain('>Alice Tools</a>');
    expect(res.text).toContain(SIGN_OUT_FORM);
  });

  it.each(['/', '/account/apps', '/developer/apps', '/developer/apps/new', '/login'])(
    'should offer Sign out on %s when signed in, and sign out from there',
    async (path) => {
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      const page = await browser.get(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain(SIGN_OUT_FORM);
      const out = await browser.post('/logout', { csrf_token: browser.csrf });
      expect(out.status).toBe(303);
      expect((await browser.get('/')).text).toContain('href="/login">Sign in</a>');
    },
  );
});
