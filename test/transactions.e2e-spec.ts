import { DataSource } from 'typeorm';
import { inTransaction } from '../src/database/transactions';
import { createTestApp, TestApp } from './helpers/test-app';

// inTransaction on the real database: on MySQL every transaction runs at READ COMMITTED, also on a
// pooled connection used again; on SQLite transactions run one after another.
describe('inTransaction', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const isolationLevel = async (dataSource: DataSource) =>
    inTransaction(dataSource, async (manager) => {
      // MySQL 8 names it transaction_isolation; MariaDB before 11.1 only tx_isolation.
      const [row] = (await manager
        .query('SELECT @@tx_isolation AS level')
        .catch(() => manager.query('SELECT @@transaction_isolation AS level'))) as {
        level: string;
      }[];
      return row.level;
    });

  it('should run every MySQL transaction at READ COMMITTED, however often a connection is reused', async () => {
    if (t.dataSource.options.type !== 'mysql') {
      return;
    }
    const levels = await Promise.all(
      Array.from({ length: 25 }, () => isolationLevel(t.dataSource)),
    );
    expect(new Set(levels)).toEqual(new Set(['READ-COMMITTED']));
  });

  it('should roll back the work that threw, and give back its error', async () => {
    const failure = new Error('work failed');
    await expect(
      inTransaction(t.dataSource, async (manager) => {
        await manager.query("UPDATE clients SET client_name = 'x' WHERE 1 = 0");
        await manager.query(
          "INSERT INTO login_attempts (`key`, failures, window_started_at) VALUES ('rollback-probe', 1, '2026-01-01 00:00:00')",
        );
        throw failure;
      }),
    ).rejects.toBe(failure);
    const rows = await t.dataSource.query<{ n: number | string }[]>(
      "SELECT COUNT(*) AS n FROM login_attempts WHERE `key` = 'rollback-probe'",
    );
    expect(Number(rows[0].n)).toBe(0);
  });

  // SQLite has one connection: a statement sent while another request's transaction is open would
  // run inside it, and vanish with its rollback. Writes from outside wait for it instead.
  it('should keep a write made by another request while a transaction is open and then rolls back', async () => {
    const failure = new Error('work failed');
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const transaction = inTransaction(t.dataSource, async (manager) => {
      await manager.query(
        "INSERT INTO login_attempts (`key`, failures, window_started_at) VALUES ('inside', 1, '2026-01-01 00:00:00')",
      );
      opened();
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw failure;
    });
    await isOpen;
    await t.dataSource.query(
      "INSERT INTO login_attempts (`key`, failures, window_started_at) VALUES ('outside', 1, '2026-01-01 00:00:00')",
    );
    await expect(transaction).rejects.toBe(failure);
    const rows = await t.dataSource.query<{ key: string }[]>(
      "SELECT `key` FROM login_attempts WHERE `key` IN ('inside', 'outside') ORDER BY `key`",
    );
    expect(rows.map((row) => row.key)).toEqual(['outside']);
  });

  // A transaction's statements are told apart from everyone else's by its manager: one it sends
  // around it would wait for the transaction that waits for it. The tests refuse it loudly.
  it.each([
    [
      'a statement not sent through its manager',
      (dataSource: DataSource) => dataSource.query('SELECT 1'),
    ],
    [
      'another transaction',
      (dataSource: DataSource) => inTransaction(dataSource, (inner) => inner.query('SELECT 1')),
    ],
  ])('should refuse %s inside a transaction on SQLite, and roll it back', async (what, around) => {
    if (t.dataSource.options.type === 'mysql') {
      return;
    }
    await expect(
      inTransaction(t.dataSource, async (manager) => {
        await manager.query(
          "INSERT INTO login_attempts (`key`, failures, window_started_at) VALUES ('around', 1, '2026-01-01 00:00:00')",
        );
        await around(t.dataSource);
      }),
    ).rejects.toThrow(
      `${what}, inside a transaction on SQLite: it would wait for the transaction, which waits for it`,
    );
    const rows = await t.dataSource.query<{ n: number }[]>(
      "SELECT COUNT(*) AS n FROM login_attempts WHERE `key` = 'around'",
    );
    expect(rows).toEqual([{ n: 0 }]);
  });
});
