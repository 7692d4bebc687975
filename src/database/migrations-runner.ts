import { DataSource, Migration } from 'typeorm';

const MYSQL_LOCK = 'portcullis:migrations';
const MYSQL_LOCK_TIMEOUT_SECONDS = 120;

// Applies pending migrations. On MySQL several instances may start at once against one database,
// so a named lock lets exactly one of them migrate while the others wait and then find nothing to do.
export async function runPendingMigrations(dataSource: DataSource): Promise<Migration[]> {
  if (dataSource.options.type !== 'mysql') {
    return dataSource.runMigrations({ transaction: 'each' });
  }
  const lockHolder = dataSource.createQueryRunner();
  try {
    const [row] = (await lockHolder.query('SELECT GET_LOCK(?, ?) AS acquired', [
      MYSQL_LOCK,
      MYSQL_LOCK_TIMEOUT_SECONDS,
    ])) as { acquired: number | string | null }[];
    if (Number(row?.acquired) !== 1) {
      throw new Error(`timed out waiting for another instance to finish migrating (${MYSQL_LOCK})`);
    }
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await lockHolder.query('SELECT RELEASE_LOCK(?)', [MYSQL_LOCK]);
    }
  } finally {
    await lockHolder.release();
  }
}
