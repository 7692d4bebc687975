import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { DatabaseTarget } from '../config/env.validation';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-busy';
import { serializeSqlite } from './sqlite-connection';

// The one description of the database, shared by the app, the CLI and `npm run migration:run`.
// It lists no entities: each feature module registers its own (TypeOrmModule.forFeature, loaded
// by DatabaseModule's autoLoadEntities); migrations and raw queries need none.
export function buildDataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const common = {
    migrations,
    // Applied by runPendingMigrations (under a lock on MySQL), never by synchronize.
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
  };
  if (target.type === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      connectorPackage: 'mysql2',
      url: target.url,
      charset: 'utf8mb4_unicode_ci',
      // Store and read DATETIME values as UTC whatever the server's time zone is.
      timezone: 'Z',
      extra: { connectionLimit: 10 },
    };
  }
  if (target.path !== ':memory:') {
    createPrivateFile(target.path);
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: target.path,
    enableWAL: true,
    // One connection serves the whole process. A lock held by another process (the CLI) is waited
    // for briefly here, and then asynchronously (sqlite-busy.ts).
    prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
      db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
      db.pragma('synchronous = NORMAL');
    },
  };
}

export function createDataSource(target: DatabaseTarget): DataSource {
  return newDataSource(buildDataSourceOptions(target));
}

// Every DataSource of the app and the CLI is made here.
export function newDataSource(options: DataSourceOptions): DataSource {
  const dataSource = new DataSource(options);
  if (options.type === 'better-sqlite3') {
    serializeSqlite(dataSource);
  }
  return dataSource;
}

// The database holds password hashes and sealed signing keys: the directories it creates are
// 0700 and a new file 0600 (SQLite gives its -wal and -shm files the database file's mode). An
// existing file keeps the mode its operator gave it.
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
}
