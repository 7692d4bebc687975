import request from 'supertest';
import { createClient, createUser, STRONG_PASSWORD } from './factories';
import { Browser, PAGE_HEADERS, pkcePair } from './helpers/browser';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const SESSION_COOKIE =
  /^portcullis=[\w-]{43}; Max-Age=43200; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/;

describe('hosted login and sessions', () => {
  let t: TestApp;

  const failures = async (key: string) => {
    const rows = await t.dataSource.query(
      t.database.engine === 'mysql'
        ? 'SELECT failures FROM login_attempts WHERE `key` = ?'
        : 'SELECT failures FROM login_attempts WHERE "key" = ?',
      [key],
    );
    return rows.length === 0 ? 0 : Number(rows[0].failures);
  };
  const isSignedIn = async (browser: Browser) =>
    (await browser.get('/login')).text.includes('Signed in');

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice', email: 'alice@example.com' }).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should render the sign-in form with security headers and a session cookie', async () => {
    const res = await request(t.server).get('/login');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(PAGE_HEADERS);
    expect(res.headers['set-cookie']).toEqual([expect.stringMatching(SESSION_COOKIE)]);
    expect(res.text).toMatch(/<form method="post" action="\/login">/);
    expect(res.text).toMatch(/<input type="hidden" name="csrf_token" value="[\w-]{43}" \/>/);
    expect(res.text).toContain('name="username"');
    expect(res.text).toContain('name="password" type="password"');
    // Nothing is loaded from another origin.
    expect(res.text).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('should serve the stylesheet the pages use', async () => {
    const res = await request(t.server).get('/static/portcullis.css').expect(200);
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toContain('main {');
  });

  it('should sign in with 303, a new session id, and the old id no longer signed in', async () => {
    const browser = new Browser(t.server);
    await browser.get('/login');
    const before = browser.cookie as string;
    const res = await browser.post('/login', {
      csrf_token: browser.csrf,
      username: 'alice',
      password: STRONG_PASSWORD,
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(res.headers['set-cookie']).toEqual([expect.stringMatching(SESSION_COOKIE)]);
    expect(browser.cookie).not.toBe(before);

    const page = await browser.get('/login');
    expect(page.status).toBe(200);
    expect(page.text).toContain('You are signed in as <strong>alice</strong>');

    const old = new Browser(t.server);
    old.cookie = before;
    expect(await isSignedIn(old)).toBe(false);
    expect(old.cookie).not.toBe(before);
  });

  it('should store only a keyed hash of the session id', async () => {
    const browser = new Browser(t.server);
    await browser.signIn('alice', STRONG_PASSWORD);
    const rows: { id_hash: string }[] = await t.dataSource.query('SELECT id_hash FROM sessions');
    const hashes = rows.map((row) => row.id_hash);
    expect(hashes.every((hash) => /^[0-9a-f]{64}$/.test(hash))).toBe(true);
    expect(hashes).not.toContain(browser.cookie);
  });

  it('should never take a redirect target from the query string', async () => {
    const browser = new Browser(t.server);
    await browser.get('/login?next=https://evil.example/&return_to=https://evil.example/');
    const res = await browser.post(
      '/login?next=https://evil.example/&redirect_uri=https://evil.example/',
      {
        csrf_token: browser.csrf,
        username: 'alice',
        password: STRONG_PASSWORD,
      },
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
  });

  describe('failed sign-in', () => {
    it('should answer the same status and page for an unknown user, a wrong password and a disabled user', async () => {
      const { body: disabled } = await createUser(t.server, { username: 'dora' }).expect(201);
      await request(t.server)
        .patch(`/admin/users/${disabled.id}`)
        .set(adminAuth)
        .send({ enabled: false })
        .expect(200);
      const browser = new Browser(t.server);
      await browser.get('/login');
      const attempt = async (username: string, password: string) => {
        const res = await browser.post('/login', { csrf_token: browser.csrf, username, password });
        return { status: res.status, text: res.text.replace(`value="${username}"`, 'value="?"') };
      };
      const unknown = await attempt('nobody', 'wrong-password-123');
      const wrong = await attempt('alice', 'wrong-password-123');
      const off = await attempt('dora', STRONG_PASSWORD);
      expect(unknown.status).toBe(400);
      expect(unknown.text).toContain('Invalid username or password.');
      expect(wrong).toEqual(unknown);
      expect(off).toEqual(unknown);
      expect(browser.cookie).not.toBeNull();
      expect(await isSignedIn(browser)).toBe(false);
    });

    it('should answer 400 with the form again when a field is missing or not a single value', async () => {
      const browser = new Browser(t.server);
      await browser.get('/login');
      const missing = await browser.post('/login', { csrf_token: browser.csrf, username: 'alice' });
      expect(missing.status).toBe(400);
      expect(missing.text).toContain('Invalid username or password.');
      const array = await browser.post('/login', {
        csrf_token: browser.csrf,
        username: ['alice', 'bob'],
        password: STRONG_PASSWORD,
      });
      expect(array.status).toBe(400);
      expect(await isSignedIn(browser)).toBe(false);
    });

    it('should escape the username it shows again', async () => {
      const browser = new Browser(t.server);
      await browser.get('/login');
      const res = await browser.post('/login', {
        csrf_token: browser.csrf,
        username: '"><script>alert(1)</script>',
        password: 'whatever-password',
      });
      expect(res.status).toBe(400);
      expect(res.text).not.toContain('<script>');
      expect(res.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    });

    it('should lock an account after 5 failures with 429 and Retry-After, and unlock when the lockout ends', async () => {
      await createUser(t.server, { username: 'erin' }).expect(201);
      const browser = new Browser(t.server);
      await browser.get('/login');
      for (let i = 0; i < 5; i += 1) {
        const res = await browser.post('/login', {
          csrf_token: browser.csrf,
          username: 'erin',
          password: `wrong-password-${i}`,
        });
        expect(res.status).toBe(400);
      }
      const locked = await browser.post('/login', {
        csrf_token: browser.csrf,
        username: 'ERIN',
        password: STRONG_PASSWORD,
      });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(890);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(900);
      expect(locked.text).toContain('Too many failed attempts. Try again in 15 minutes.');
      expect(locked.headers).toMatchObject(PAGE_HEADERS);
      expect(await failures('account:erin')).toBe(5);

      await t.dataSource.query(
        'UPDATE login_attempts SET locked_until = ?, window_started_at = ? WHERE failures = 5',
        [new Date(Date.now() - 1000), new Date(Date.now() - 901_000)].map((date) =>
          t.database.engine === 'mysql'
            ? date
            : date.toISOString().replace('T', ' ').replace('Z', ''),
        ),
      );
      const unlocked = await browser.post('/login', {
        csrf_token: browser.csrf,
        username: 'erin',
        password: STRONG_PASSWORD,
      });
      expect(unlocked.status).toBe(303);
      expect(await failures('account:erin')).toBe(0);
    });

    it('should lock an unknown account the same way as a known one', async () => {
      const browser = new Browser(t.server);
      await browser.get('/login');
      const statuses = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await browser.post('/login', {
          csrf_token: browser.csrf,
          username: 'ghost',
          password: `wrong-password-${i}`,
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    });
  });

  describe('CSRF', () => {
    it('should refuse a login without the token before checking the password', async () => {
      const browser = new Browser(t.server);
      await browser.get('/login');
      const res = await browser.post('/login', { username: 'gina', password: 'guess-password-1' });
      expect(res.status).toBe(403);
      expect(res.headers).toMatchObject(PAGE_HEADERS);
      expect(res.text).toContain('This form has expired.');
      expect(await failures('account:gina')).toBe(0);
    });

    it("should refuse another session's token", async () => {
      const attacker = new Browser(t.server);
      await attacker.get('/login');
      const victim = new Browser(t.server);
      await victim.get('/login');
      const res = await victim.post('/login', {
        csrf_token: attacker.csrf,
        username: 'alice',
        password: STRONG_PASSWORD,
      });
      expect(res.status).toBe(403);
      expect(await isSignedIn(victim)).toBe(false);
    });

    it('should refuse a login without any session', async () => {
      const res = await request(t.server)
        .post('/login')
        .type('form')
        .send({ csrf_token: 'x'.repeat(43), username: 'alice', password: STRONG_PASSWORD });
      expect(res.status).toBe(403);
    });
  });

  describe('logout', () => {
    it('should destroy the session and clear the cookie with 303 to the login page', async () => {
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      const cookie = browser.cookie as string;
      await browser.get('/login');
      const res = await browser.post('/logout', { csrf_token: browser.csrf });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login');
      expect(res.headers['set-cookie']).toEqual([
        'portcullis=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax',
      ]);
      const replay = new Browser(t.server);
      replay.cookie = cookie;
      expect(await isSignedIn(replay)).toBe(false);
    });

    it('should refuse a logout without the CSRF token and stay signed in', async () => {
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      const res = await browser.post('/logout', {});
      expect(res.status).toBe(403);
      expect(await isSignedIn(browser)).toBe(true);
    });
  });

  describe('a signed-in session', () => {
    it('should stop counting once the user is disabled', async () => {
      const { body } = await createUser(t.server, { username: 'frank' }).expect(201);
      const browser = new Browser(t.server);
      await browser.signIn('frank', STRONG_PASSWORD);
      expect(await isSignedIn(browser)).toBe(true);
      await request(t.server)
        .patch(`/admin/users/${body.id}`)
        .set(adminAuth)
        .send({ enabled: false })
        .expect(200);
      expect(await isSignedIn(browser)).toBe(false);
    });

    it('should end when it expires', async () => {
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      await t.dataSource.query('UPDATE sessions SET expires_at = ?', [
        t.database.engine === 'mysql' ? new Date(Date.now() - 1000) : '2000-01-01 00:00:00.000',
      ]);
      expect(await isSignedIn(browser)).toBe(false);
    });

    it('should resume the pending authorization request after login', async () => {
      const { body: client } = await createClient(t.server, { client_name: 'Resume <App>' });
      const browser = new Browser(t.server);
      const start = await browser.get(
        `/oauth/authorize?${new URLSearchParams({
          response_type: 'code',
          client_id: client.client_id,
          code_challenge: pkcePair().challenge,
          code_challenge_method: 'S256',
        }).toString()}`,
      );
      expect(start.headers.location).toBe('/login');
      const login = await browser.get('/login');
      expect(login.text).toContain('to continue to <strong>Resume &lt;App&gt;</strong>');
      const res = await browser.post('/login', {
        csrf_token: browser.csrf,
        username: 'alice',
        password: STRONG_PASSWORD,
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/consent\?request=[\w-]{22}$/);
    });
  });
});

describe('login throttling per IP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer 429 to every account from an address after 50 failures', async () => {
    const browser = new Browser(t.server);
    await browser.get('/login');
    for (let i = 0; i < 50; i += 1) {
      const res = await browser.post('/login', {
        csrf_token: browser.csrf,
        username: `user-${i % 10}`,
        password: 'wrong-password-123',
      });
      expect(res.status).toBe(400);
    }
    const res = await browser.post('/login', {
      csrf_token: browser.csrf,
      username: 'alice',
      password: STRONG_PASSWORD,
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(890);
  });
});

describe('session cookie in production', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'production', ISSUER: 'https://id.example.com' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('should be __Host- prefixed, Secure, HttpOnly and SameSite=Lax', async () => {
    const res = await request(t.server).get('/login').expect(200);
    expect(res.headers['set-cookie']).toEqual([
      expect.stringMatching(
        /^__Host-portcullis=[\w-]{43}; Max-Age=43200; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax$/,
      ),
    ]);
  });
});
