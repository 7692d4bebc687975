import { DataSource } from 'typeorm';
import { isMysql } from '../../database/named-query';
import { isWithinLimit, secondsUntilReset, windowStartOf } from './token-rate-limit';
import { TokenRateLimitDecision, TokenRateLimiter } from './token-rate-limiter';

export type TokenRateLimitRule = { limit: number; windowSeconds: number };

// One atomic upsert per hit that yields the new count, so instances sharing the database never
// lose an increment: the row's count restarts at 1 when a new window begins.
export class DatabaseTokenRateLimiter implements TokenRateLimiter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rule: TokenRateLimitRule,
  ) {}

  async hit(clientId: string): Promise<TokenRateLimitDecision> {
    const now = Date.now();
    const windowStart = windowStartOf(now, this.rule.windowSeconds);
    const count = isMysql(this.dataSource)
      ? await this.incrementOnMysql(clientId, windowStart)
      : await this.incrementOnSqlite(clientId, windowStart);
    return {
      allowed: isWithinLimit(count, this.rule.limit),
      retryAfterSeconds: secondsUntilReset(now, this.rule.windowSeconds),
    };
  }

  private async incrementOnSqlite(clientId: string, windowStart: number): Promise<number> {
    const rows: { count: number }[] = await this.dataSource.query(
      `INSERT INTO token_rate_limits (client_id, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (client_id) DO UPDATE SET
         count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
         window_start = excluded.window_start
       RETURNING count`,
      [clientId, windowStart],
    );
    return Number(rows[0].count);
  }

  // MySQL has no RETURNING: LAST_INSERT_ID(expr) sets the statement's insert id (in its OK
  // packet) to the new count, so one round trip both counts and tells. MySQL assigns left to
  // right, so count is computed before window_start moves.
  private async incrementOnMysql(clientId: string, windowStart: number): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = (await runner.query(
        `INSERT INTO token_rate_limits (client_id, window_start, count)
         VALUES (?, ?, LAST_INSERT_ID(1))
         ON DUPLICATE KEY UPDATE
           count = LAST_INSERT_ID(IF(window_start = VALUES(window_start), count + 1, 1)),
           window_start = VALUES(window_start)`,
        [clientId, windowStart],
        true,
      )) as { raw: { insertId: number | string } };
      return Number(result.raw.insertId);
    } finally {
      await runner.release();
    }
  }
}
