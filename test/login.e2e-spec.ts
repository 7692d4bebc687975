import request from 'supertest';
import { createClient, createUser, STRONG_PASSWORD } from './factories';
import { authorizePath, Browser, PAGE_HEADERS } from './helpers/browser';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';
import { accountKey } from '../src/users/login-throttle';

// A date as a parameter for a raw query: TypeORM stores SQLite datetimes as UTC text.
const sqlDate = (t: TestApp, ms: number) =>
  t.database.engine === 'mysql'
    ? new Date(ms)
    : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const SESSION_COOKIE =
  /^portcullis=[\w-]{43}; Max-Age=43200; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/;

describe('hosted login and sessions', () => {
  let t: TestApp;

  const failures = async (key: string) => {
    const rows = await t.dataSource.query(
      `SELECT failures FROM login_attempts WHERE ${quotedKey} = ?`,
      [key],
    );
    return rows.length === 0 ? 0 : Number(rows[0].failures);
  };
  // Moves a key's window and lockout into the past, as if 15 minutes had gone by.
  const endLockout = (key: string) =>
    t.dataSource.query(
      `UPDATE login_attempts SET locked_until = ?, window_started_at = ? WHERE ${quotedKey} = ?`,
      [sqlDate(t, Date.now() - 1000), sqlDate(t, Date.now() - 901_000), key],
    );
  const isSignedIn = async (browser: Browser) =>
    (await browser.get('/login')).text.includes('Signed in');

  let quotedKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    quotedKey = t.database.engine === 'mysql' ? '`key`' : '"key"';
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
    const res = await browser.login('alice', STRONG_PASSWORD);
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
      const res = await browser.login('"><script>alert(1)</script>', 'whatever-password');
      expect(res.status).toBe(400);
      expect(res.text).not.toContain('<script>');
      expect(res.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    });

    it('should lock an account after 5 failures with 429 and Retry-After, and unlock when the lockout ends', async () => {
      await createUser(t.server, { username: 'erin' }).expect(201);
      const browser = new Browser(t.server);
      await browser.get('/login');
      for (let i = 0; i < 5; i += 1) {
        const res = await browser.login('erin', `wrong-password-${i}`);
        expect(res.status).toBe(400);
      }
      const locked = await browser.login('ERIN', STRONG_PASSWORD);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(890);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(900);
      expect(locked.text).toContain('Too many failed attempts. Try again in 15 minutes.');
      expect(locked.headers).toMatchObject(PAGE_HEADERS);
      expect(await failures(accountKey('erin'))).toBe(6);

      // An attempt while the lockout runs waits what is left of it; its password is not checked,
      // so it does not count against the address.
      await t.dataSource.query(
        `UPDATE login_attempts SET locked_until = ? WHERE ${quotedKey} = ?`,
        [sqlDate(t, Date.now() + 120_000), accountKey('erin')],
      );
      // Every request of this suite comes from the one test address.
      const addressFailures = async () =>
        Number(
          (
            await t.dataSource.query(
              `SELECT failures FROM login_attempts WHERE ${quotedKey} LIKE 'ip:%'`,
            )
          )[0].failures,
        );
      const address = await addressFailures();
      const later = await browser.login('erin', STRONG_PASSWORD);
      expect(later.status).toBe(429);
      expect(Number(later.headers['retry-after'])).toBeGreaterThan(110);
      expect(Number(later.headers['retry-after'])).toBeLessThanOrEqual(120);
      expect(await addressFailures()).toBe(address);
      expect(await failures(accountKey('erin'))).toBe(7);

      await endLockout(accountKey('erin'));
      const unlocked = await browser.login('erin', STRONG_PASSWORD);
      expect(unlocked.status).toBe(303);
      expect(await failures(accountKey('erin'))).toBe(0);
    });

    // Each attempt is judged by its own place in the count: the first 5 of a burst are checked.
    it('should check exactly 5 passwords of an account however many guesses arrive at once', async () => {
      await createUser(t.server, { username: 'hank' }).expect(201);
      const browser = new Browser(t.server);
      await browser.get('/login');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => browser.login('hank', `wrong-password-${i}`)),
      );
      const statuses = results.map((res) => res.status);
      expect(statuses.filter((status) => status === 400)).toHaveLength(5);
      expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    });

    // Every attempt counts before its password is checked, so of a burst of correct sign-ins the
    // first 5 go through and the rest are refused; a success clears the account's counter, so no
    // lockout is left behind.
    it('should not leave the account locked after many correct sign-ins at once', async () => {
      await createUser(t.server, { username: 'ivy' }).expect(201);
      const browsers = Array.from({ length: 10 }, () => new Browser(t.server));
      for (const browser of browsers) {
        await browser.get('/login');
      }
      const results = await Promise.all(
        browsers.map((browser) => browser.login('ivy', STRONG_PASSWORD)),
      );
      const statuses = results.map((res) => res.status);
      expect(statuses.filter((status) => status === 303).length).toBeGreaterThanOrEqual(5);
      expect(statuses.every((status) => status === 303 || status === 429)).toBe(true);
      expect(await failures(accountKey('ivy'))).toBe(0);
      const later = new Browser(t.server);
      expect((await later.signIn('ivy', STRONG_PASSWORD)).status).toBe(303);
    });

    it('should answer 400 for a username of any length, the same on both engines', async () => {
      const browser = new Browser(t.server);
      await browser.get('/login');
      for (const username of ['a'.repeat(300), 'alice ', ' alice', 'ALICE\u0000']) {
        const res = await browser.post('/login', {
          csrf_token: browser.csrf,
          username,
          password: STRONG_PASSWORD,
        });
        expect(res.status).toBe(400);
      }
      expect(await isSignedIn(browser)).toBe(false);
    });

    it('should not take credentials from the query string', async () => {
      const browser = new Browser(t.server);
      await browser.get('/login');
      const query = new URLSearchParams({ username: 'alice', password: STRONG_PASSWORD });
      const res = await browser.post(`/login?${query.toString()}`, { csrf_token: browser.csrf });
      expect(res.status).toBe(400);
      expect(await isSignedIn(browser)).toBe(false);
    });

    it('should lock an unknown account the same way as a known one', async () => {
      const browser = new Browser(t.server);
      await browser.get('/login');
      const statuses = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await browser.login('ghost', `wrong-password-${i}`);
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
      expect(await failures(accountKey('gina'))).toBe(0);
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

    it.each([['é'.repeat(43)], ['\u{1F600}'.repeat(22)], ['x'.repeat(5000)]])(
      'should answer 403 to a token of odd characters or length (%#)',
      async (token) => {
        const browser = new Browser(t.server);
        await browser.get('/login');
        const res = await browser.post('/login', {
          csrf_token: token,
          username: 'alice',
          password: STRONG_PASSWORD,
        });
        expect(res.status).toBe(403);
        expect(res.text).toContain('This form has expired.');
      },
    );

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

    it('should start afresh when the stored session data is unreadable', async () => {
      const browser = new Browser(t.server);
      await browser.signIn('alice', STRONG_PASSWORD);
      const before = browser.cookie;
      await t.dataSource.query("UPDATE sessions SET data = '{\"csrfTok'");
      const res = await browser.get('/login');
      expect(res.status).toBe(200);
      expect(res.text).toContain('Sign in');
      expect(browser.cookie).not.toBe(before);
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
      const start = await browser.get(authorizePath({ client_id: client.client_id }));
      expect(start.headers.location).toBe('/login');
      const login = await browser.get('/login');
      expect(login.text).toContain('to continue to <strong>Resume &lt;App&gt;</strong>');
      const res = await browser.login('alice', STRONG_PASSWORD);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/consent\?request=[\w-]{22}$/);
      expect(res.headers.location).toBe(`/consent?request=${browser.hidden.request}`);
    });

    it('should resume the request the login form was shown for, not a later one', async () => {
      const { body: shown } = await createClient(t.server, { client_name: 'Shown' });
      const { body: later } = await createClient(t.server, {
        client_name: 'Later',
        skip_consent: true,
        redirect_uris: ['https://later.example.com/cb'],
      });
      const browser = new Browser(t.server);
      const authorize = (clientId: string) => browser.get(authorizePath({ client_id: clientId }));
      await authorize(shown.client_id);
      await browser.get('/login');
      const form = { ...browser.hidden };
      await authorize(later.client_id);
      const res = await browser.post('/login', {
        ...form,
        username: 'alice',
        password: STRONG_PASSWORD,
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/consent?request=${form.request}`);
    });

    it('should resume a pending request at most once when its login form is posted several times at once', async () => {
      await createUser(t.server, { username: 'gina' }).expect(201);
      const { body: client } = await createClient(t.server, { skip_consent: true });
      const browser = new Browser(t.server);
      await browser.get(authorizePath({ client_id: client.client_id }));
      await browser.get('/login');
      const form = { ...browser.hidden, username: 'gina', password: STRONG_PASSWORD };
      const results = await Promise.all(
        Array.from({ length: 5 }, () => browser.post('/login', form)),
      );
      const withCode = results.filter((res) => /[?&]code=/.test(res.headers.location ?? ''));
      expect(withCode).toHaveLength(1);
      expect(withCode[0].status).toBe(303);
      const others = results.filter((res) => res !== withCode[0]);
      // 409 while the old session is being spent; 403 (its CSRF token is gone with it) after.
      expect(others).toHaveLength(4);
      expect(others.every((res) => res.status === 409 || res.status === 403)).toBe(true);
      const [codes] = await t.dataSource.query(
        'SELECT COUNT(*) AS n FROM authorization_codes WHERE client_id = ?',
        [client.client_id],
      );
      expect(Number(codes.n)).toBe(1);
      const [sessions] = await t.dataSource.query(
        'SELECT COUNT(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?',
        ['gina'],
      );
      expect(Number(sessions.n)).toBe(1);
    });

    it('should go to the signed-in page when the form names no pending request of this session', async () => {
      const browser = new Browser(t.server);
      await browser.get('/login');
      const res = await browser.post('/login', {
        ...browser.hidden,
        request: 'someone-elses-request-id',
        username: 'alice',
        password: STRONG_PASSWORD,
      });
      expect(res.headers.location).toBe('/login');
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
      const res = await browser.login(`user-${i % 10}`, 'wrong-password-123');
      expect(res.status).toBe(400);
    }
    const res = await browser.login('alice', STRONG_PASSWORD);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(890);

    // While the address is locked out, the usernames it posts add no rows.
    const rows = async () =>
      Number((await t.dataSource.query('SELECT COUNT(*) AS n FROM login_attempts'))[0].n);
    const before = await rows();
    for (let i = 0; i < 5; i += 1) {
      expect((await browser.login(`someone-new-${i}`, 'wrong-password-123')).status).toBe(429);
    }
    expect(await rows()).toBe(before);

    // Fifteen minutes later the address may try again.
    const quotedKey = t.database.engine === 'mysql' ? '`key`' : '"key"';
    await t.dataSource.query(
      `UPDATE login_attempts SET locked_until = ?, window_started_at = ? WHERE ${quotedKey} LIKE 'ip:%'`,
      [sqlDate(t, Date.now() - 1000), sqlDate(t, Date.now() - 901_000)],
    );
    const later = await browser.login('alice', STRONG_PASSWORD);
    expect(later.status).toBe(303);
  });
});

describe('hosted pages when the database is down', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.dataSource.destroy();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['/login', '/oauth/authorize?client_id=abc&response_type=code', '/consent?request=x'])(
    'should answer GET %s with 503 and Retry-After, never a redirect',
    async (path) => {
      const res = await request(t.server)
        .get(path)
        .set('Cookie', `portcullis=${'a'.repeat(43)}`);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers.location).toBeUndefined();
    },
  );
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

describe('login throttling across instances', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await createTestApp();
    second = await createTestApp({}, first.database);
    await createUser(first.server, { username: 'alice' }).expect(201);
  });
  afterAll(async () => {
    await second.app.close();
    await first.close();
  });

  it('should lock an account on every instance sharing the database', async () => {
    const browser = new Browser(first.server);
    await browser.get('/login');
    for (let i = 0; i < 5; i += 1) {
      const res = await browser.login('alice', `wrong-password-${i}`);
      expect(res.status).toBe(400);
    }
    const elsewhere = new Browser(second.server);
    await elsewhere.get('/login');
    const res = await elsewhere.login('alice', STRONG_PASSWORD);
    expect(res.status).toBe(429);
  });

  it('should share sessions between instances', async () => {
    const signedIn = new Browser(first.server);
    await createUser(first.server, { username: 'carol' }).expect(201);
    await signedIn.signIn('carol', STRONG_PASSWORD);
    const onSecond = new Browser(second.server);
    onSecond.cookie = signedIn.cookie;
    expect((await onSecond.get('/login')).text).toContain(
      'You are signed in as <strong>carol</strong>',
    );
  });
});
