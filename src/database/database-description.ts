import { DataSource } from 'typeorm';
import { DatabaseTarget } from '../config/env.validation';

type VersionRow = { version: string };

// For the start-up line: the engine, its version and where it is, never the password.
export async function describeDatabase(
  dataSource: DataSource,
  target: DatabaseTarget,
): Promise<string> {
  if (target.type === 'sqlite') {
    const [row] = await dataSource.query<VersionRow[]>('SELECT sqlite_version() AS version');
    return `SQLite ${row.version} at ${target.path}`;
  }
  const [row] = await dataSource.query<VersionRow[]>('SELECT VERSION() AS version');
  const url = new URL(target.url);
  const engine = /mariadb/i.test(row.version) ? 'MariaDB' : 'MySQL';
  return `${engine} ${row.version} at ${url.host}${url.pathname}`;
}
