import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { transactionOn } from './runner-transaction';
import { retryWhileBusy } from './sqlite-busy';

// SQLite here is one connection for the whole process. A transaction on it stays open across the
// awaits of its work, and a statement another request sends meanwhile would run inside it: seeing
// its uncommitted rows, and vanishing with its rollback. So the connection runs one unit at a
// time: a transaction (runSqliteTransaction), or a single statement sent from outside any
// transaction; everything else waits its turn.
//
// A transaction's statements are told apart by the query runner they come through: the
// transaction gets a query runner of its own (on the same connection) and its work the manager of
// that runner; every other statement comes through the driver's shared runner, and waits. So the
// work sends every statement through its manager (as it must on MySQL too, where anything else
// runs on another connection, outside the transaction): one sent otherwise waits for the
// transaction that waits for it. Telling them apart by AsyncLocalStorage instead would cost every
// request about a tenth of its CPU on Node.js 20 (docs/benchmarks.md), so only the tests
// (NODE_ENV=test) do: there such a statement throws, naming where it was sent from.
//
// A unit refused for the lock another process holds (SQLITE_BUSY) is tried again after a pause,
// without holding the queue meanwhile: the server keeps answering what needs no lock.
class SqliteConnection {
  private queue: Promise<unknown> = Promise.resolve();
  private transactionRunner?: QueryRunner;
  // Tests only: the running transaction's async context, to catch a statement it sends around its
  // manager.
  private readonly check =
    process.env.NODE_ENV === 'test' ? { transaction: new AsyncLocalStorage<symbol>() } : null;
  private running: symbol | null = null;

  constructor(private readonly dataSource: DataSource) {}

  statement<T>(send: () => Promise<T>): Promise<T> {
    return (
      this.refusedInsideTransaction('a statement not sent through its manager') ??
      retryWhileBusy(() => this.inTurn(send))
    );
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return (
      this.refusedInsideTransaction('another transaction') ??
      retryWhileBusy(() => this.inTurn(() => this.runTransaction(work)))
    );
  }

  // Tests only: what the running transaction sends around its manager would wait for it for ever.
  private refusedInsideTransaction(what: string): Promise<never> | null {
    if (this.running === null || this.check?.transaction.getStore() !== this.running) {
      return null;
    }
    return Promise.reject(
      new Error(
        `${what}, inside a transaction on SQLite: it would wait for the transaction, which waits for it`,
      ),
    );
  }

  private inTurn<T>(unit: () => Promise<T>): Promise<T> {
    const turn = this.queue.then(unit);
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  // On the transactions' own query runner.
  private async runTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const unit = Symbol('transaction');
    this.running = unit;
    try {
      return await transactionOn(this.runnerForTransactions(), (manager) =>
        this.check ? this.check.transaction.run(unit, () => work(manager)) : work(manager),
      );
    } finally {
      this.running = null;
    }
  }

  // A second query runner of the driver's own class, on the same connection, with its own cache of
  // prepared statements. Units run one at a time, so one serves every transaction.
  private runnerForTransactions(): QueryRunner {
    if (!this.transactionRunner) {
      const shared = this.dataSource.driver.createQueryRunner('master');
      const QueryRunnerClass = shared.constructor as new (driver: unknown) => QueryRunner;
      const runner = new QueryRunnerClass(this.dataSource.driver);
      Object.assign(runner, { manager: this.dataSource.createEntityManager(runner) });
      this.transactionRunner = runner;
    }
    return this.transactionRunner;
  }
}

const connections = new WeakMap<DataSource, SqliteConnection>();

// Installs the one-unit-at-a-time rule on a SQLite DataSource: every statement sent through the
// driver's shared query runner waits for the running unit.
export function serializeSqlite(dataSource: DataSource): void {
  const connection = new SqliteConnection(dataSource);
  connections.set(dataSource, connection);
  const driver = dataSource.driver;
  const create = driver.createQueryRunner.bind(driver);
  const wrapped = new WeakSet<QueryRunner>();
  driver.createQueryRunner = (mode) => {
    const runner = create(mode);
    if (!wrapped.has(runner)) {
      const query: QueryRunner['query'] = runner.query.bind(runner);
      runner.query = ((...args: Parameters<QueryRunner['query']>) =>
        connection.statement(() => query(...args))) as QueryRunner['query'];
      wrapped.add(runner);
    }
    return runner;
  };
}

// Runs `work` in one transaction, as one unit, on a serialized SQLite DataSource.
export function runSqliteTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const connection = connections.get(dataSource);
  return connection ? connection.transaction(work) : dataSource.transaction(work);
}
