import { DataSource } from 'typeorm';
import { validateEnv } from '../src/config/env.validation';
import { buildDataSourceOptions, newDataSource } from '../src/database/data-source';
import { runPendingMigrations } from '../src/database/migrations-runner';
import { dateOrNull, Value } from '../src/database/sql';
import { migrations } from '../migrations';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

// Migrations that move data: what was written before them means the same after.
describe('migrations that move data', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  // The database as the migrations up to (not including) `name` leave it.
  const openBefore = async (name: string): Promise<DataSource> => {
    const index = migrations.findIndex((migration) => migration.name === name);
    expect(index).toBeGreaterThan(0);
    const options = buildDataSourceOptions(validateEnv({ DATABASE_URL: database.url }).DATABASE);
    const dataSource = await newDataSource({
      ...options,
      migrations: migrations.slice(0, index),
    }).initialize();
    await runPendingMigrations(dataSource);
    return dataSource;
  };
  const openLatest = async (): Promise<DataSource> => {
    const options = buildDataSourceOptions(validateEnv({ DATABASE_URL: database.url }).DATABASE);
    const dataSource = await newDataSource(options).initialize();
    await runPendingMigrations(dataSource);
    return dataSource;
  };

  it('FamilyRotation: a family rotated before keeps the token it was rotated from and when (the reuse grace window)', async () => {
    const before = await openBefore('FamilyRotation1796112700000');
    const runner = before.createQueryRunner();
    try {
      const mysql = before.options.type === 'mysql';
      await runner.query(mysql ? 'SET FOREIGN_KEY_CHECKS = 0' : 'PRAGMA foreign_keys = OFF');
      const token = (id: string, parent: string | null, rotatedAt: string | null) =>
        runner.query(
          `INSERT INTO refresh_tokens (id, token_hash, client_id, user_id, scope, family_id,
             parent_id, rotated_at, revoked_at, expires_at, created_at)
           VALUES (?, ?, 'c', 'u', 'profile', ?, ?, ?, NULL, '2030-01-01 00:00:00.000',
             '2026-01-01 00:00:00.000')`,
          [id, `hash-${id}`, id.startsWith('a') ? 'fa' : 'fb', parent, rotatedAt],
        );
      // Family fa: a1 rotated to a2 at 12:00:00.250 (a2 the head). Family fb: b1, never rotated.
      await token('a1', null, '2026-01-01 12:00:00.250');
      await token('a2', 'a1', null);
      await token('b1', null, null);
      for (const [family, head] of [
        ['fa', 'a2'],
        ['fb', 'b1'],
      ]) {
        await runner.query(
          `INSERT INTO refresh_token_families (id, client_id, user_id, head_token_id, revoked_at,
             created_at) VALUES (?, 'c', 'u', ?, NULL, '2026-01-01 00:00:00.000')`,
          [family, head],
        );
      }
    } finally {
      await runner.release();
      await before.destroy();
    }

    const latest = await openLatest();
    try {
      const families = await latest.query<
        { id: string; previous_token_id: string | null; rotated_at: Value }[]
      >('SELECT id, previous_token_id, rotated_at FROM refresh_token_families ORDER BY id');
      expect(
        families.map((family) => ({
          ...family,
          rotated_at: dateOrNull(family.rotated_at)?.toISOString() ?? null,
        })),
      ).toEqual([
        { id: 'fa', previous_token_id: 'a1', rotated_at: '2026-01-01T12:00:00.250Z' },
        { id: 'fb', previous_token_id: null, rotated_at: null },
      ]);
      const columns = await latest.query<{ name: string }[]>(
        latest.options.type === 'mysql'
          ? `SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'refresh_tokens'`
          : `SELECT name FROM pragma_table_info('refresh_tokens')`,
      );
      expect(columns.map((column) => column.name)).not.toContain('rotated_at');
    } finally {
      await latest.destroy();
    }
  });
});
