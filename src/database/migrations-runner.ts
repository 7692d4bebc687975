import { randomUUID } from 'node:crypto';
import { DataSource, Migration } from 'typeorm';
import { isDeadlock, isUniqueViolation } from '../common/database-errors';

// The lock is a row, not GET_LOCK or LOCK TABLES: those hold on one server only, and on a Galera
// cluster two instances starting against two nodes would both get them. A row with a primary key
// is replicated like any other: the second INSERT fails (duplicate key on the same node, a
// certification conflict on another) and that instance waits.
export const MIGRATION_LOCK_TABLE = 'portcullis_migration_lock';
// A holder that died (SIGKILL, lost host) leaves its row: it counts as released once it has not
// been renewed for this long. The holder renews it every LOCK_RENEW_MS while migrating.
const LOCK_TTL_SECONDS = 60;
const LOCK_RENEW_MS = 10_000;
const LOCK_WAIT_TIMEOUT_MS = 120_000;
const LOCK_POLL_MS = 250;

// Applies pending migrations. On MySQL several instances may start at once against one database
// (or against several nodes of one Galera cluster), so a lock row lets exactly one of them migrate
// while the others wait and then find nothing to do.
export async function runPendingMigrations(dataSource: DataSource): Promise<Migration[]> {
  if (dataSource.options.type !== 'mysql') {
    return dataSource.runMigrations({ transaction: 'each' });
  }
  await dataSource.query(
    `CREATE TABLE IF NOT EXISTS ${MIGRATION_LOCK_TABLE} (` +
      'id TINYINT UNSIGNED NOT NULL PRIMARY KEY, holder VARCHAR(64) NOT NULL, ' +
      'expires_at DATETIME(3) NOT NULL) ENGINE=InnoDB',
  );
  const holder = randomUUID();
  await acquire(dataSource, holder);
  const renewal = setInterval(() => {
    void renew(dataSource, holder).catch(() => undefined);
  }, LOCK_RENEW_MS);
  try {
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    clearInterval(renewal);
    await dataSource.query(`DELETE FROM ${MIGRATION_LOCK_TABLE} WHERE id = 1 AND holder = ?`, [
      holder,
    ]);
  }
}

async function acquire(dataSource: DataSource, holder: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_TIMEOUT_MS;
  for (;;) {
    try {
      // The database's clock, not this host's, says when a lock expired.
      await dataSource.query(
        `DELETE FROM ${MIGRATION_LOCK_TABLE} WHERE id = 1 AND expires_at < NOW(3)`,
      );
      await dataSource.query(
        `INSERT INTO ${MIGRATION_LOCK_TABLE} (id, holder, expires_at) ` +
          `VALUES (1, ?, NOW(3) + INTERVAL ${LOCK_TTL_SECONDS} SECOND)`,
        [holder],
      );
      return;
    } catch (error) {
      if (!isUniqueViolation(error) && !isDeadlock(error)) {
        throw error;
      }
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out waiting for another instance to finish migrating (${MIGRATION_LOCK_TABLE})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

function renew(dataSource: DataSource, holder: string): Promise<unknown> {
  return dataSource.query(
    `UPDATE ${MIGRATION_LOCK_TABLE} SET expires_at = NOW(3) + INTERVAL ${LOCK_TTL_SECONDS} SECOND ` +
      'WHERE id = 1 AND holder = ?',
    [holder],
  );
}
