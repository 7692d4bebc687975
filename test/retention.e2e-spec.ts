import { createUser, STRONG_PASSWORD } from './factories';
import { Browser } from './helpers/browser';
import { exchangeCode, obtainCode, registerClient } from './helpers/oauth';
import { createTestApp, TestApp } from './helpers/test-app';
import { RetentionService } from '../src/database/retention.service';

const TABLES = [
  'authorization_codes',
  'access_tokens',
  'refresh_tokens',
  'refresh_token_families',
  'sessions',
  'client_assertion_jtis',
  'login_attempts',
] as const;

// A date as a parameter for a raw query: TypeORM stores SQLite datetimes as UTC text.
const sqlDate = (t: TestApp, ms: number) =>
  t.database.engine === 'mysql'
    ? new Date(ms)
    : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const count = async (t: TestApp, table: string) =>
  Number((await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

const counts = async (t: TestApp): Promise<Record<string, number>> =>
  Object.fromEntries(
    await Promise.all(TABLES.map(async (table) => [table, await count(t, table)] as const)),
  );

describe('retention', () => {
  let t: TestApp;

  afterEach(async () => {
    await t.close();
  });

  // One of each row: a redeemed code with its tokens, an unused code, signed-in sessions and
  // throttle counters (a failed sign-in).
  const useTheServer = async (username: string) => {
    const client = await registerClient(t.server, { skip_consent: true });
    await exchangeCode(
      t.server,
      client,
      await obtainCode(t.server, { clientId: client.id, username }),
    ).expect(200);
    await obtainCode(t.server, { clientId: client.id, username });
    const browser = new Browser(t.server);
    await browser.signIn(`nobody-${username}`, 'wrong-password-123');
    // A used client assertion (private_key_jwt), as the token endpoint records it.
    await t.dataSource.query(
      'INSERT INTO client_assertion_jtis (client_id, jti_hash, expires_at) VALUES (?, ?, ?)',
      [client.id, `jti-of-${username}`, sqlDate(t, Date.now() + 60_000)],
    );
  };
  // Moves every row's expiry (and every throttle window) two days into the past.
  const ageEverything = async () => {
    const old = sqlDate(t, Date.now() - 2 * 86_400_000);
    const expiring = [
      'authorization_codes',
      'access_tokens',
      'refresh_tokens',
      'sessions',
      'client_assertion_jtis',
    ];
    for (const table of expiring) {
      await t.dataSource.query(`UPDATE ${table} SET expires_at = ?`, [old]);
    }
    await t.dataSource.query(
      'UPDATE login_attempts SET window_started_at = ?, locked_until = NULL',
      [old],
    );
  };

  it('should delete what expired longer ago than RETENTION_AGE and keep everything else', async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    await createUser(t.server, { username: 'bob' }).expect(201);
    await useTheServer('alice');
    await ageEverything();
    const aged = await counts(t);
    await useTheServer('bob');
    const all = await counts(t);
    for (const table of TABLES) {
      expect(aged[table]).toBeGreaterThan(0);
    }

    const deleted = await t.app.get(RetentionService).purge();
    // The address's counter is live again: bob's failed sign-in started a new window on it.
    // No token rate-limit window is older than RETENTION_AGE here: none deleted.
    const expected: Record<string, number> = {
      ...aged,
      login_attempts: aged.login_attempts - 1,
      token_rate_limits: 0,
    };
    expect(deleted).toEqual(expected);
    const live = await counts(t);
    for (const table of TABLES) {
      expect(live[table]).toBe(all[table] - expected[table]);
      expect(live[table]).toBeGreaterThan(0);
    }
    // Nothing old is left for a second run.
    expect(await t.app.get(RetentionService).purge()).toEqual({
      ...Object.fromEntries(TABLES.map((table) => [table, 0])),
      token_rate_limits: 0,
    });
  });

  it('should keep expired rows younger than RETENTION_AGE', async () => {
    t = await createTestApp({ RETENTION_AGE: '259200' });
    await createUser(t.server, { username: 'alice' }).expect(201);
    await useTheServer('alice');
    await ageEverything();
    const before = await counts(t);
    await t.app.get(RetentionService).purge();
    expect(await counts(t)).toEqual(before);
  });

  it('should delete in batches until nothing old is left', async () => {
    t = await createTestApp();
    const old = sqlDate(t, Date.now() - 2 * 86_400_000);
    const quotedKey = t.database.engine === 'mysql' ? '`key`' : '"key"';
    for (let i = 0; i < 1205; i += 1) {
      await t.dataSource.query(
        `INSERT INTO login_attempts (${quotedKey}, failures, window_started_at, locked_until) VALUES (?, 1, ?, NULL)`,
        [`ip:10.0.${Math.floor(i / 256)}.${i % 256}`, old],
      );
    }
    const deleted = await t.app.get(RetentionService).purge();
    expect(deleted.login_attempts).toBe(1205);
    expect(await count(t, 'login_attempts')).toBe(0);
  });

  it('should run by itself every RETENTION_INTERVAL seconds', async () => {
    t = await createTestApp({ RETENTION_INTERVAL: '1' });
    const browser = new Browser(t.server);
    await browser.get('/login');
    await browser.signIn('nobody', 'wrong-password-123');
    await ageEverything();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await count(t, 'sessions')).toBe(0);
    expect(await count(t, 'login_attempts')).toBe(0);
  });

  it('should add no throttle row for a sign-in refused while the address is locked', async () => {
    t = await createTestApp();
    const browser = new Browser(t.server);
    await browser.signIn('nobody', 'wrong-password-123');
    const quotedKey = t.database.engine === 'mysql' ? '`key`' : '"key"';
    await t.dataSource.query(
      `UPDATE login_attempts SET failures = 51, locked_until = ? WHERE ${quotedKey} LIKE 'ip:%'`,
      [sqlDate(t, Date.now() + 900_000)],
    );
    const before = await count(t, 'login_attempts');
    for (let i = 0; i < 20; i += 1) {
      const res = await browser.login(`guess-${i}`, STRONG_PASSWORD);
      expect(res.status).toBe(429);
    }
    expect(await count(t, 'login_attempts')).toBe(before);
  });
});
