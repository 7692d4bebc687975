import { DataSource, EntityManager } from 'typeorm';
import { isDeadlock } from '../common/database-errors';
import { isMysql } from './named-query';
import { transactionOn } from './runner-transaction';
import { runSqliteTransaction } from './sqlite-connection';

// For Repository.save() of one entity: TypeORM would wrap it in a transaction of its own, and on
// SQLite's single connection that transaction could nest inside (or around) one of inTransaction's
// and roll part of it back. One row needs no transaction. Only inTransaction opens transactions.
export const SINGLE_STATEMENT = { transaction: false } as const;

// A deadlock on one server, or a certification conflict on a Galera cluster (another node committed
// a write to the same rows first; reported as the same ER_LOCK_DEADLOCK), rolls the whole
// transaction back: it is run again, at most this many times in all, after a short random pause
// (so that the transactions that collided do not collide again in step).
const MYSQL_ATTEMPTS = 5;
const RETRY_PAUSE_MS = 5;

// Runs `work` in one transaction; `work` sends every statement through the manager it is given. On
// SQLite there is a single connection, so a transaction runs alone on it: other transactions and
// other requests' statements wait (sqlite-connection.ts). On MySQL, READ COMMITTED keeps the
// family-wide UPDATEs free of gap locks, and a deadlock or certification conflict (the whole
// transaction was rolled back) is retried as MySQL and Galera recommend.
export async function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  if (!isMysql(dataSource)) {
    // One unit on the one connection (sqlite-connection.ts); refused for the lock another process
    // holds, it is rolled back and run again once the lock may be free.
    return runSqliteTransaction(dataSource, work);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await readCommittedTransaction(dataSource, work);
    } catch (error) {
      if (attempt >= MYSQL_ATTEMPTS || !isDeadlock(error)) {
        throw error;
      }
      await pause(Math.random() * RETRY_PAUSE_MS * 2 ** attempt);
    }
  }
}

// Pooled MySQL connections already switched to READ COMMITTED for the rest of their session.
const readCommittedConnections = new WeakSet<object>();

// DataSource.transaction('READ COMMITTED', …) sends SET TRANSACTION ISOLATION LEVEL before every
// transaction: one more round trip each time. A pooled connection is switched once, for its
// session, and its transactions then only START and COMMIT. Every transaction Portcullis runs on
// MySQL goes through here, so they all run at READ COMMITTED.
async function readCommittedTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    const connection = (await runner.connect()) as object;
    if (!readCommittedConnections.has(connection)) {
      await runner.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      readCommittedConnections.add(connection);
    }
    return await transactionOn(runner, work);
  } finally {
    await runner.release();
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
