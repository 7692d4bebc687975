import { EntityManager, QueryRunner } from 'typeorm';

// As DataSource.transaction does, on a query runner the caller chose: `work` gets the runner's
// manager; its error is the one that counts (a failed rollback does not hide it).
export async function transactionOn<T>(
  runner: QueryRunner,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  await runner.startTransaction();
  try {
    const result = await work(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  }
}
