import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, QueryRunner } from 'typeorm';
import { retryWhileBusy } from './sqlite-busy';

// SQLite here is one connection for the whole process (TypeORM's driver hands out one query
// runner). A transaction on it stays open across the awaits of its work, and a statement another
// request sends meanwhile would run inside it: seeing its uncommitted rows, and vanishing with its
// rollback. So the connection runs one unit at a time: a transaction (inTransaction), or a single
// statement sent from outside any transaction. Statements of the running unit go straight through;
// everything else waits its turn.
//
// A unit refused for the lock another process holds (SQLITE_BUSY) is tried again after a pause,
// without holding the queue meanwhile: the server keeps answering what needs no lock.
class SqliteConnection {
  private queue: Promise<unknown> = Promise.resolve();
  // Which unit the current async context belongs to.
  private readonly unit = new AsyncLocalStorage<symbol>();
  private running: symbol | null = null;

  // Whether the caller is the running unit (a statement of its work, or a nested transaction).
  get isInsideRunningUnit(): boolean {
    return this.running !== null && this.unit.getStore() === this.running;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return retryWhileBusy(() => this.runOnce(work));
  }

  private runOnce<T>(work: () => Promise<T>): Promise<T> {
    const token = Symbol('unit');
    const turn = this.queue.then(async () => {
      this.running = token;
      try {
        return await this.unit.run(token, work);
      } finally {
        this.running = null;
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

const connections = new WeakMap<DataSource, SqliteConnection>();

// Installs the one-unit-at-a-time rule on a SQLite DataSource's query runner.
export function serializeSqlite(dataSource: DataSource): void {
  const connection = new SqliteConnection();
  connections.set(dataSource, connection);
  const driver = dataSource.driver;
  const create = driver.createQueryRunner.bind(driver);
  const wrapped = new WeakSet<QueryRunner>();
  driver.createQueryRunner = (mode) => {
    const runner = create(mode);
    if (!wrapped.has(runner)) {
      const query: QueryRunner['query'] = runner.query.bind(runner);
      runner.query = ((...args: Parameters<QueryRunner['query']>) =>
        connection.isInsideRunningUnit
          ? query(...args)
          : connection.run(() => query(...args))) as QueryRunner['query'];
      wrapped.add(runner);
    }
    return runner;
  };
}

// Runs `work` as one unit on a serialized SQLite DataSource; directly when called from the running
// unit itself (a transaction nested in another runs inside it).
export function runOnSqlite<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const connection = connections.get(dataSource);
  if (!connection || connection.isInsideRunningUnit) {
    return work();
  }
  return connection.run(work);
}
