import { QueryFailedError } from 'typeorm';

type DriverError = { code?: unknown; errno?: unknown };

const UNIQUE_VIOLATIONS = new Set([
  'ER_DUP_ENTRY',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  // A Galera node outside the primary component ("WSREP has not yet prepared node for application
  // use"), or one that lost the cluster while committing.
  'ER_UNKNOWN_COM_ERROR',
  'ER_ERROR_DURING_COMMIT',
  // Still deadlocked (or in certification conflict) after inTransaction's retries: busy, not broken.
  'ER_LOCK_DEADLOCK',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
]);

// Seconds a client is asked to wait when the database cannot answer (503 Retry-After).
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

export function driverCode(error: unknown): string | undefined {
  const driverError = (
    error instanceof QueryFailedError ? error.driverError : error
  ) as DriverError;
  return typeof driverError?.code === 'string' ? driverError.code : undefined;
}

export function isDeadlock(error: unknown): boolean {
  return driverCode(error) === 'ER_LOCK_DEADLOCK';
}

export function isUniqueViolation(error: unknown): boolean {
  return UNIQUE_VIOLATIONS.has(driverCode(error) ?? '');
}

// Errors that mean "the database cannot answer right now" (answered 503) rather than a bug (500).
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = driverCode(error);
  if (code !== undefined && (UNAVAILABLE.has(code) || code.startsWith('SQLITE_IOERR'))) {
    return true;
  }
  // TypeORM refuses queries on a data source that is not (or no longer) connected (the MySQL
  // driver says so in a plain TypeORMError), and better-sqlite3 those on a closed database file.
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return (
    name === 'ConnectionIsNotSetError' ||
    name === 'CannotExecuteNotConnectedError' ||
    (name === 'TypeORMError' && message === 'Connection is not established with mysql database') ||
    (name === 'TypeError' && message === 'The database connection is not open')
  );
}
