import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Env } from '../config/env.validation';
import { ACCOUNT_RULE, IP_RULE } from '../users/login-throttle';
import { isMysql } from './named-query';

// Rows deleted per statement: each DELETE is short, so it never holds its locks for long.
const BATCH_SIZE = 500;
// A throttle row is spent once its window is over (and any lockout ended).
const LONGEST_WINDOW_MS = Math.max(ACCOUNT_RULE.windowSeconds, IP_RULE.windowSeconds) * 1000;

// What the cleanup deletes: `where` selects rows whose use ended before :cutoff (now less
// RETENTION_AGE).
const TARGETS = [
  { table: 'authorization_codes', where: 'expires_at < :cutoff' },
  { table: 'access_tokens', where: 'expires_at < :cutoff' },
  { table: 'refresh_tokens', where: 'expires_at < :cutoff' },
  // A family is inserted with its first token in one transaction: one with no token left is over.
  {
    table: 'refresh_token_families',
    where:
      'NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = refresh_token_families.id)',
  },
  { table: 'sessions', where: 'expires_at < :cutoff' },
  // A used client assertion's jti is kept until the assertion expires (single use), then longer.
  { table: 'client_assertion_jtis', where: 'expires_at < :cutoff' },
  {
    table: 'login_attempts',
    where: 'window_started_at < :windowCutoff AND (locked_until IS NULL OR locked_until < :cutoff)',
  },
  // A token rate-limit window (epoch ms) is spent once it is over.
  { table: 'token_rate_limits', where: 'window_start < :rateWindowCutoff' },
] as const;

export type Purged = Record<(typeof TARGETS)[number]['table'], number>;

// Retention: every RETENTION_INTERVAL seconds, expired codes, tokens, sessions and spent throttle
// counters older than RETENTION_AGE are deleted, in batches. Safe with several instances: each
// batch is an idempotent DELETE of rows nobody can use any more.
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private readonly intervalMs: number;
  private readonly ageMs: number;
  private readonly rateWindowMs: number;
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<Env, true>,
  ) {
    this.intervalMs = config.get('RETENTION_INTERVAL', { infer: true }) * 1000;
    this.ageMs = config.get('RETENTION_AGE', { infer: true }) * 1000;
    this.rateWindowMs = config.get('TOKEN_RATE_LIMIT_WINDOW', { infer: true }) * 1000;
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => void this.runScheduled(), this.intervalMs);
      // A pending cleanup never keeps the process (or the CLI) alive.
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  // Deletes what is past retention; how many rows of each table.
  async purge(): Promise<Purged> {
    const now = Date.now();
    const cutoff = new Date(now - this.ageMs);
    const windowCutoff = new Date(now - this.ageMs - LONGEST_WINDOW_MS);
    const rateWindowCutoff = now - this.ageMs - this.rateWindowMs;
    const purged = {} as Purged;
    for (const target of TARGETS) {
      purged[target.table] = await this.deleteInBatches(target, {
        cutoff,
        windowCutoff,
        rateWindowCutoff,
      });
    }
    return purged;
  }

  private async runScheduled(): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    try {
      const purged = await this.purge();
      const deleted = Object.entries(purged).filter(([, rows]) => rows > 0);
      if (deleted.length > 0) {
        this.logger.log(
          `Retention: deleted ${deleted.map(([table, rows]) => `${rows} ${table}`).join(', ')}`,
        );
      }
    } catch (error) {
      // The next run tries again; a database that is down must not stop the server.
      this.logger.warn(`Retention: cleanup failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async deleteInBatches(
    target: (typeof TARGETS)[number],
    parameters: { cutoff: Date; windowCutoff: Date; rateWindowCutoff: number },
  ): Promise<number> {
    const sql = this.batchDelete(target);
    const [query, values] = this.dataSource.driver.escapeQueryWithParameters(sql, parameters, {});
    let total = 0;
    for (;;) {
      const runner = this.dataSource.createQueryRunner();
      try {
        const { affected } = await runner.query(query, values, true);
        total += affected ?? 0;
        if ((affected ?? 0) < BATCH_SIZE) {
          return total;
        }
      } finally {
        await runner.release();
      }
    }
  }

  // MySQL deletes with a LIMIT directly; SQLite (built without it) by rowid.
  private batchDelete({ table, where }: (typeof TARGETS)[number]): string {
    return isMysql(this.dataSource)
      ? `DELETE FROM ${table} WHERE ${where} LIMIT ${BATCH_SIZE}`
      : `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ${BATCH_SIZE})`;
  }
}
