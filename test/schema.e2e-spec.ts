import { DataSource } from 'typeorm';
import { validateEnv } from '../src/config/env.validation';
import { createDataSource } from '../src/database/data-source';
import { MIGRATION_LOCK_TABLE, runPendingMigrations } from '../src/database/migrations-runner';
import { migrations } from '../migrations';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

function open(database: TestDatabase): Promise<DataSource> {
  return createDataSource(validateEnv({ DATABASE_URL: database.url }).DATABASE).initialize();
}

// Galera replicates rows by primary key (a table without one is refused with
// innodb_force_primary_key, and replicated badly without it), so every table the migrations make has one.
describe('the schema the migrations build', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  it('should give every table a primary key', async () => {
    const dataSource = await open(database);
    try {
      await runPendingMigrations(dataSource);
      const tables = await tablesAndPrimaryKeys(dataSource);
      expect(tables.length).toBeGreaterThanOrEqual(10);
      expect(tables.filter((table) => table.primaryKeyColumns === 0)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  // SQLite serves one instance (docs/deployment.md); on MySQL several may start at once.
  if (process.env.TEST_DB_ENGINE !== 'mysql') {
    return;
  }

  it('should apply every migration once when several instances migrate at once', async () => {
    const instances = await Promise.all([1, 2, 3, 4].map(() => open(database)));
    try {
      const applied = await Promise.all(instances.map((source) => runPendingMigrations(source)));
      // One instance applied them all; the others waited and found nothing pending.
      expect(applied.map((list) => list.length).sort()).toEqual([0, 0, 0, migrations.length]);
      const rows = await instances[0].query<
        {
          name: string;
        }[]
      >('SELECT name FROM migrations ORDER BY id');
      expect(rows.map((row) => row.name)).toEqual(
        applied.flat().map((migration) => migration.name),
      );
      // The lock row is gone: the next start does not wait.
      expect(await lockRows(instances[0])).toBe(0);
    } finally {
      await Promise.all(instances.map((source) => source.destroy()));
    }
  });

  it('should take over a lock left by an instance that died, once it has expired', async () => {
    const dataSource = await open(database);
    try {
      await runPendingMigrations(dataSource);
      await dataSource.query(
        `INSERT INTO ${MIGRATION_LOCK_TABLE} (id, holder, expires_at) VALUES (1, 'dead', NOW(3) - INTERVAL 1 SECOND)`,
      );
      await expect(runPendingMigrations(dataSource)).resolves.toEqual([]);
      expect(await lockRows(dataSource)).toBe(0);
    } finally {
      await dataSource.destroy();
    }
  });
});

async function lockRows(dataSource: DataSource): Promise<number> {
  const [{ n }] = await dataSource.query<
    {
      n: string | number;
    }[]
  >(`SELECT COUNT(*) AS n FROM ${MIGRATION_LOCK_TABLE}`);
  return Number(n);
}

async function tablesAndPrimaryKeys(
  dataSource: DataSource,
): Promise<{ table: string; primaryKeyColumns: number }[]> {
  if (dataSource.options.type === 'mysql') {
    const rows = await dataSource.query<{ name: string; pk: string | number }[]>(
      `SELECT t.table_name AS name, COUNT(k.column_name) AS pk
         FROM information_schema.tables t
         LEFT JOIN information_schema.key_column_usage k
           ON k.table_schema = t.table_schema AND k.table_name = t.table_name
          AND k.constraint_name = 'PRIMARY'
        WHERE t.table_schema = DATABASE() AND t.table_type = 'BASE TABLE'
        GROUP BY t.table_name`,
    );
    return rows.map((row) => ({ table: row.name, primaryKeyColumns: Number(row.pk) }));
  }
  const tables = await dataSource.query<{ name: string }[]>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  return Promise.all(
    tables.map(async ({ name }) => {
      const columns = await dataSource.query<{ pk: number }[]>(`PRAGMA table_info("${name}")`);
      return { table: name, primaryKeyColumns: columns.filter((column) => column.pk > 0).length };
    }),
  );
}
