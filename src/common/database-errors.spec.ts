import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable, isUniqueViolation } from './database-errors';

function queryFailed(code: string): QueryFailedError {
  return new QueryFailedError('SELECT 1', [], Object.assign(new Error(code), { code }));
}

function named(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

describe('database errors', () => {
  it.each([
    { error: queryFailed('ER_DUP_ENTRY'), unique: true, unavailable: false },
    { error: queryFailed('SQLITE_CONSTRAINT_UNIQUE'), unique: true, unavailable: false },
    { error: queryFailed('SQLITE_CONSTRAINT_FOREIGNKEY'), unique: false, unavailable: false },
    { error: queryFailed('ER_PARSE_ERROR'), unique: false, unavailable: false },
    { error: queryFailed('ECONNREFUSED'), unique: false, unavailable: true },
    { error: queryFailed('PROTOCOL_CONNECTION_LOST'), unique: false, unavailable: true },
    { error: queryFailed('SQLITE_BUSY'), unique: false, unavailable: true },
    { error: queryFailed('ER_LOCK_DEADLOCK'), unique: false, unavailable: true },
    { error: queryFailed('ER_UNKNOWN_COM_ERROR'), unique: false, unavailable: true },
    { error: queryFailed('ER_ERROR_DURING_COMMIT'), unique: false, unavailable: true },
    { error: queryFailed('SQLITE_IOERR_WRITE'), unique: false, unavailable: true },
    {
      error: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
      unique: false,
      unavailable: true,
    },
    { error: named('CannotExecuteNotConnectedError'), unique: false, unavailable: true },
    { error: named('ConnectionIsNotSetError'), unique: false, unavailable: true },
    {
      error: new TypeError('The database connection is not open'),
      unique: false,
      unavailable: true,
    },
    { error: new TypeError('boom'), unique: false, unavailable: false },
    {
      error: Object.assign(named('TypeORMError'), {
        message: 'Connection is not established with mysql database',
      }),
      unique: false,
      unavailable: true,
    },
    { error: named('TypeORMError'), unique: false, unavailable: false },
    { error: new Error('boom'), unique: false, unavailable: false },
    { error: null, unique: false, unavailable: false },
    { error: 'a string', unique: false, unavailable: false },
  ])('should classify $error', ({ error, unique, unavailable }) => {
    expect(isUniqueViolation(error)).toBe(unique);
    expect(isDatabaseUnavailable(error)).toBe(unavailable);
  });
});
