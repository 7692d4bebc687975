import { DataSource } from 'typeorm';
import { Sql } from '../../database/sql';
import { isWithinLimit, secondsUntilReset, windowStartOf } from './token-rate-limit';
import { TokenRateLimitDecision, TokenRateLimiter } from './token-rate-limiter';

export type TokenRateLimitRule = { limit: number; windowSeconds: number };

// One atomic upsert per hit that yields the new count, so instances sharing the database never
// lose an increment: the row's count restarts at 1 when a new window begins.
export class DatabaseTokenRateLimiter implements TokenRateLimiter {
  private readonly sql: Sql;
  private readonly increment: string;

  constructor(
    dataSource: DataSource,
    private readonly rule: TokenRateLimitRule,
  ) {
    this.sql = new Sql(dataSource);
    // MySQL assigns left to right, so count is computed before window_start moves.
    this.increment = this.sql.mysql
      ? `INSERT INTO token_rate_limits (client_id, window_start, count)
         VALUES (?, ?, LAST_INSERT_ID(1))
         ON DUPLICATE KEY UPDATE
           count = LAST_INSERT_ID(IF(window_start = VALUES(window_start), count + 1, 1)),
           window_start = VALUES(window_start)`
      : `INSERT INTO token_rate_limits (client_id, window_start, count) VALUES (?, ?, 1)
         ON CONFLICT (client_id) DO UPDATE SET
           count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
           window_start = excluded.window_start
         RETURNING count`;
  }

  async hit(clientId: string): Promise<TokenRateLimitDecision> {
    const now = Date.now();
    const windowStart = windowStartOf(now, this.rule.windowSeconds);
    const count = await this.sql.counted(null, this.increment, [clientId, windowStart]);
    return {
      allowed: isWithinLimit(count, this.rule.limit),
      retryAfterSeconds: secondsUntilReset(now, this.rule.windowSeconds),
    };
  }
}
