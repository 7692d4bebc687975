import { DataSource, EntityManager } from 'typeorm';
import { isDeadlock } from './database-errors';
import { isMysql } from './named-query';

// For Repository.save() of one entity: TypeORM would wrap it in a transaction of its own, and on
// SQLite's single connection that transaction could nest inside (or around) one of inTransaction's
// and roll part of it back. One row needs no transaction. Only inTransaction opens transactions.
export const SINGLE_STATEMENT = { transaction: false } as const;

const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();
const MYSQL_ATTEMPTS = 3;

// Runs `work` in one transaction. On SQLite there is a single connection, so two transactions
// open at once would collide: they run one after another. On MySQL, READ COMMITTED keeps the
// family-wide UPDATEs free of gap locks, and a deadlock (InnoDB rolled the whole transaction back)
// is retried as MySQL recommends.
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (!isMysql(dataSource)) {
    const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
    const run = previous.then(() => dataSource.transaction(work));
    sqliteQueues.set(
      dataSource,
      run.catch(() => undefined),
    );
    return run;
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction('READ COMMITTED', work);
    } catch (error) {
      if (attempt >= MYSQL_ATTEMPTS || !isDeadlock(error)) {
        throw error;
      }
    }
  }
}
