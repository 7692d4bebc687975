import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Sql } from '../database/sql';
import { LoginAttempt } from './login-attempt.entity';
import { ThrottleRule, retryAfterSeconds } from './login-throttle';

export type ThrottledKey = { key: string; rule: ThrottleRule };

// Attempt counters in the database, so every instance (and the password grant) sees the same
// numbers. An attempt is counted with one atomic upsert per key before its password is checked,
// and is judged by the count that upsert gave it (its own place in the window): of a burst of
// parallel attempts, exactly the first `limit` go on to their password check, whether they are
// guesses or the owner's correct password.
//
// Statements: one upsert per key (each key's count comes back with its own statement: MySQL's OK
// packet carries one value), and one UPDATE for both after a correct password. Only a refused
// attempt sends more: the read of a running lockout's end, and the give-back below.
@Injectable()
export class LoginThrottleService {
  private readonly sql: Sql;
  // The column `key`, quoted as the engine quotes an identifier (it is a reserved word on MySQL).
  private readonly key: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = new Sql(dataSource);
    this.key = dataSource.driver.escape('key');
  }

  // Counts an attempt against each key in turn; answers the seconds to wait (0: go ahead). The
  // first key that refuses it ends the count, and the keys counted before it get the attempt back:
  // a password that is not checked counts against no one else. List the address first: a locked
  // address then adds no row for the usernames it goes on posting, and the retries on a locked
  // account do not count against everyone behind the same address.
  async countAttempt(keys: ThrottledKey[]): Promise<number> {
    const now = new Date();
    for (const [index, { key, rule }] of keys.entries()) {
      const failures = await this.increment(key, rule, now);
      const wait = await this.waitAfter(key, failures, rule, now);
      if (wait > 0) {
        await this.giveBack(keys.slice(0, index).map((counted) => counted.key));
        return wait;
      }
    }
    return 0;
  }

  // A correct password: the account starts afresh (a new window, as if it had no row), and the
  // attempt no longer counts against the address.
  async succeeded(accountKey: string, ipKey: string): Promise<void> {
    const account = `${this.key} = ?`;
    await this.sql.run(
      null,
      `UPDATE login_attempts
       SET failures = CASE WHEN ${account} THEN 0 ELSE failures - 1 END,
           locked_until = CASE WHEN ${account} THEN NULL ELSE locked_until END,
           window_started_at = CASE WHEN ${account} THEN ? ELSE window_started_at END
       WHERE ${this.key} IN (?, ?)`,
      [accountKey, accountKey, accountKey, new Date(), accountKey, ipKey],
    );
  }

  private async giveBack(keys: string[]): Promise<void> {
    if (keys.length > 0) {
      await this.dataSource.getRepository(LoginAttempt).decrement({ key: In(keys) }, 'failures', 1);
    }
  }

  // The count one past the limit is the attempt that started the lockout: it waits all of it.
  // A higher count arrived while a lockout ran: it waits what is left of it.
  private async waitAfter(
    key: string,
    failures: number,
    rule: ThrottleRule,
    now: Date,
  ): Promise<number> {
    if (failures <= rule.limit + 1) {
      return retryAfterSeconds({ failures, lockedUntil: null }, rule, now);
    }
    const row = await this.dataSource.getRepository(LoginAttempt).findOneBy({ key });
    return retryAfterSeconds(row ?? { failures, lockedUntil: null }, rule, now);
  }

  // Within the window the count grows, and passing the limit starts a lockout. Once both the
  // window and any lockout are over, the count starts again at 1. Answers the new count.
  private async increment(key: string, rule: ThrottleRule, now: Date): Promise<number> {
    const parameters = {
      key,
      now,
      limit: rule.limit,
      windowStart: new Date(now.getTime() - rule.windowSeconds * 1000),
      lockedUntil: new Date(now.getTime() + rule.lockoutSeconds * 1000),
    };
    const unlocked = '(locked_until IS NULL OR locked_until <= :now)';
    const over = `window_started_at < :windowStart AND ${unlocked}`;
    // MySQL assigns left to right and later expressions see earlier results: failures goes first,
    // and `failures = 1` then means "a new window". SQLite reads the old row everywhere.
    const sql = this.sql.mysql
      ? `INSERT INTO login_attempts (\`key\`, failures, window_started_at, locked_until)
         VALUES (:key, LAST_INSERT_ID(1), :now, NULL)
         ON DUPLICATE KEY UPDATE
           failures = LAST_INSERT_ID(IF(${over}, 1, failures + 1)),
           locked_until = IF(failures = 1, NULL,
             IF(failures > :limit AND ${unlocked}, :lockedUntil, locked_until)),
           window_started_at = IF(failures = 1, :now, window_started_at)`
      : `INSERT INTO login_attempts ("key", failures, window_started_at, locked_until)
         VALUES (:key, 1, :now, NULL)
         ON CONFLICT ("key") DO UPDATE SET
           failures = CASE WHEN ${over} THEN 1 ELSE failures + 1 END,
           locked_until = CASE WHEN ${over} THEN NULL
             WHEN failures + 1 > :limit AND ${unlocked} THEN :lockedUntil
             ELSE locked_until END,
           window_started_at = CASE WHEN ${over} THEN :now ELSE window_started_at END
         RETURNING failures`;
    const [statement, values] = this.dataSource.driver.escapeQueryWithParameters(
      sql,
      parameters,
      {},
    );
    return this.sql.counted(null, statement, values);
  }
}
