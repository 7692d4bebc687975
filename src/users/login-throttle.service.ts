import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Sql } from '../database/sql';
import { LoginAttempt } from './login-attempt.entity';
import { ThrottleRule, retryAfterSeconds } from './login-throttle';

export type ThrottledKey = { key: string; rule: ThrottleRule };

// Attempt counters in the database, so every instance (and the password grant) sees the same
// numbers. An attempt is counted with one atomic upsert before its password is checked, and is
// judged by the count that upsert gave it (its own place in the window): of a burst of parallel
// attempts, exactly the first `limit` go on to their password check, whether they are guesses or
// the owner's correct password.
@Injectable()
export class LoginThrottleService {
  private readonly sql: Sql;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = new Sql(dataSource);
  }

  // Counts an attempt against every key; answers the seconds to wait (0: go ahead). An attempt
  // refused by a lockout already running is not counted, so it adds no row: a locked address
  // posting random usernames cannot grow the table.
  async countAttempt(keys: ThrottledKey[]): Promise<number> {
    const now = new Date();
    const locked = await this.lockedFor(keys, now);
    if (locked > 0) {
      return locked;
    }
    let wait = 0;
    for (const { key, rule } of keys) {
      const failures = await this.increment(key, rule, now);
      wait = Math.max(wait, retryAfterSeconds({ failures, lockedUntil: null }, rule, now));
    }
    return wait;
  }

  // A correct password: the account starts afresh, and the attempt no longer counts against the
  // address.
  async succeeded(accountKey: string, ipKey: string): Promise<void> {
    await this.dataSource.getRepository(LoginAttempt).delete({ key: accountKey });
    await this.dataSource.getRepository(LoginAttempt).decrement({ key: ipKey }, 'failures', 1);
  }

  // The longest wait a lockout running on any of the keys imposes now (0: none).
  private async lockedFor(keys: ThrottledKey[], now: Date): Promise<number> {
    const rows = await this.dataSource
      .getRepository(LoginAttempt)
      .findBy(keys.map(({ key }) => ({ key })));
    const locked = rows.filter((row) => row.lockedUntil !== null && row.lockedUntil > now);
    const byKey = new Map(locked.map((row) => [row.key, row]));
    return Math.max(
      0,
      ...keys.map(({ key, rule }) => {
        const row = byKey.get(key);
        return row ? retryAfterSeconds(row, rule, now) : 0;
      }),
    );
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
