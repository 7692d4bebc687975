import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

export type TestDatabase = { engine: 'sqlite' | 'mysql'; url: string; drop: () => Promise<void> };

// A disposable database per test app: a temporary SQLite file, or a fresh MySQL database on the
// server named by TEST_MYSQL_URL. Migrations build the schema when the app starts.
export async function createTestDatabase(): Promise<TestDatabase> {
  if (process.env.TEST_DB_ENGINE === 'mysql') {
    return createMysqlDatabase();
  }
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-test-'));
  return {
    engine: 'sqlite',
    url: `sqlite:${join(dir, 'portcullis.sqlite')}`,
    drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  };
}

async function createMysqlDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_MYSQL_URL;
  if (!serverUrl) {
    throw new Error('TEST_MYSQL_URL must be set to run the e2e suite on MySQL');
  }
  const name = `portcullis_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl);
  const admin = await createConnection({ uri: serverUrl });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  url.pathname = `/${name}`;
  return {
    engine: 'mysql',
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}
