import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCliIn, ServerProcess, startServerIn } from './helpers/processes';
import { createTestDatabase, TestDatabase } from './helpers/test-database';
import { STRONG_PASSWORD } from './factories';

// The README's operator quick start, followed literally in a fresh directory: start with nothing
// set, use the printed admin key, restart, use the CLI, then move to secrets of one's own in .env.
describe('first run, as the README says', () => {
  let dir: string;
  let database: TestDatabase;
  // SQLite: the README's default (./data/portcullis.sqlite in the directory); MySQL: DATABASE_URL.
  let dbEnv: Record<string, string>;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-first-run-'));
    database = await createTestDatabase();
    dbEnv = database.engine === 'mysql' ? { DATABASE_URL: database.url } : {};
  });
  afterAll(async () => {
    await server?.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const secretsFile = () => join(dir, 'data', 'development-secrets.json');
  const storedSecrets = () =>
    JSON.parse(readFileSync(secretsFile(), 'utf8')) as Record<string, string>;
  const admin = (key: string) =>
    fetch(`${server?.baseUrl}/admin/clients`, { headers: { Authorization: `Bearer ${key}` } });
  const jwksKids = async () => {
    const { keys } = (await (await fetch(`${server?.baseUrl}/oauth/jwks`)).json()) as {
      keys: { kid: string }[];
    };
    return keys.map((key) => key.kid);
  };
  const restart = async () => {
    await server?.stop();
    server = await startServerIn(dir, dbEnv);
  };

  it('should start with nothing set, in one listening line, and print the development admin key', async () => {
    server = await startServerIn(dir, dbEnv);
    const lines = server.stdout().trim().split('\n');
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    const engine = database.engine === 'mysql' ? /(MySQL|MariaDB) \S+ at / : /SQLite \S+ at /;
    expect(messages.filter((msg) => msg.includes('listening on'))).toEqual([
      expect.stringMatching(/^Portcullis \d+\.\d+\.\d+ listening on http:\/\/0\.0\.0\.0:\d+ /),
    ]);
    expect(messages.find((msg) => msg.includes('listening on'))).toMatch(engine);
    // No route listing: the config warning, the first signing key and the listening line.
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(server.stdout()).not.toContain('Mapped {');
    expect(messages[0]).toBe(
      'ADMIN_API_KEY, SESSION_SECRET, SIGNING_KEYS_SECRET not set: using the development values in ' +
        './data/development-secrets.json (written on the first start, kept across restarts; ' +
        'development only, set them in production)',
    );
    const { ADMIN_API_KEY: key } = storedSecrets();
    expect(server.stderr()).toBe(
      'WARNING: development admin API key (kept in ./data/development-secrets.json; ' +
        `set ADMIN_API_KEY in production):\n  Authorization: Bearer ${key}\n`,
    );
    expect(server.stdout()).not.toContain(key);
    expect(statSync(secretsFile()).mode & 0o777).toBe(0o600);
    expect((await admin(key)).status).toBe(200);
  });

  it('should keep the admin key and the signing key across a restart, and share them with the CLI', async () => {
    const { ADMIN_API_KEY: key } = storedSecrets();
    const kids = await jwksKids();
    await restart();
    expect((await admin(key)).status).toBe(200);
    expect(await jwksKids()).toEqual(kids);
    expect(server?.stdout()).not.toContain('Created signing key');

    const created = await runCliIn(
      dir,
      ['users:create', '--username', 'admin', '--admin', '--password', STRONG_PASSWORD],
      dbEnv,
    );
    expect(created.status).toBe(0);
    const rotated = await runCliIn(dir, ['keys:rotate'], dbEnv);
    expect(rotated.stderr).toBe('');
    expect(rotated.status).toBe(0);
  });

  it('should restart with secrets of its own in .env after the README steps', async () => {
    const oldKey = storedSecrets().ADMIN_API_KEY;
    // The README: stop the server, set .env, seal a new key, start it again.
    await server?.stop();
    server = undefined;
    // cp .env.example .env; sed -i "s/^NAME=.*/NAME=$(secret)/" .env, for the three secrets.
    copyFileSync(join(__dirname, '..', '.env.example'), join(dir, '.env'));
    const secret = () => randomBytes(32).toString('base64url');
    const key = secret();
    const values: Record<string, string> = {
      ADMIN_API_KEY: key,
      SESSION_SECRET: secret(),
      SIGNING_KEYS_SECRET: secret(),
    };
    const env = readFileSync(join(dir, '.env'), 'utf8').replace(
      /^(ADMIN_API_KEY|SESSION_SECRET|SIGNING_KEYS_SECRET)=.*$/gm,
      (_line, name: string) => `${name}=${values[name]}`,
    );
    writeFileSync(join(dir, '.env'), env);
    const sealed = await runCliIn(dir, ['keys:rotate', '--new-secret'], dbEnv);
    expect(sealed.stderr).toBe('');
    expect(sealed.status).toBe(0);

    server = await startServerIn(dir, dbEnv);
    expect(server.stderr()).toBe('');
    expect(server?.stdout()).not.toContain('not set');
    expect((await admin(key)).status).toBe(200);
    expect((await admin(oldKey)).status).toBe(401);
    await restart();
    expect((await admin(key)).status).toBe(200);
  });
});
