import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { isMysql, namedQuery } from '../database/named-query';
import { LoginAttempt } from './login-attempt.entity';
import { ThrottleRule, secondsUntil } from './login-throttle';

// Failure counters in the database, so every instance (and the password grant) sees the same
// numbers. Increments are single atomic upserts; nothing is read-modified-written in the process.
@Injectable()
export class LoginThrottleService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // Seconds the caller must wait because one of the keys is locked, or 0.
  async retryAfterSeconds(keys: string[]): Promise<number> {
    const rows = await this.dataSource.getRepository(LoginAttempt).findBy({ key: In(keys) });
    const now = new Date();
    return Math.max(0, ...rows.map((row) => secondsUntil(row.lockedUntil, now)));
  }

  async recordFailure(key: string, rule: ThrottleRule): Promise<void> {
    const now = new Date();
    const parameters = {
      key,
      now,
      limit: rule.limit,
      windowStart: new Date(now.getTime() - rule.windowSeconds * 1000),
      lockedUntil: new Date(now.getTime() + rule.lockoutSeconds * 1000),
    };
    // Every expression reads the row as it was (MySQL assigns left to right, so locked_until and
    // failures come before window_started_at). A failure after the window starts a new count.
    const sql = isMysql(this.dataSource)
      ? `INSERT INTO login_attempts (\`key\`, failures, window_started_at, locked_until)
         VALUES (:key, 1, :now, NULL)
         ON DUPLICATE KEY UPDATE
           locked_until = IF(window_started_at < :windowStart, NULL,
             IF(failures + 1 >= :limit AND (locked_until IS NULL OR locked_until < :now),
                :lockedUntil, locked_until)),
           failures = IF(window_started_at < :windowStart, 1, failures + 1),
           window_started_at = IF(window_started_at < :windowStart, :now, window_started_at)`
      : `INSERT INTO login_attempts ("key", failures, window_started_at, locked_until)
         VALUES (:key, 1, :now, NULL)
         ON CONFLICT ("key") DO UPDATE SET
           locked_until = CASE WHEN window_started_at < :windowStart THEN NULL
             WHEN failures + 1 >= :limit AND (locked_until IS NULL OR locked_until < :now)
               THEN :lockedUntil
             ELSE locked_until END,
           failures = CASE WHEN window_started_at < :windowStart THEN 1 ELSE failures + 1 END,
           window_started_at = CASE WHEN window_started_at < :windowStart THEN :now
             ELSE window_started_at END`;
    await namedQuery(this.dataSource, sql, parameters);
  }

  async reset(key: string): Promise<void> {
    await this.dataSource.getRepository(LoginAttempt).delete({ key });
  }
}
