import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { Client } from '../../clients/client.entity';
import { OAuthError } from '../../common/oauth-error';
import { Env } from '../../config/env.validation';
import { DatabaseTokenRateLimiter } from './database-token-rate-limiter';
import { RedisTokenRateLimiter } from './redis-token-rate-limiter';
import { TokenRateLimiter } from './token-rate-limiter';

const COUNTED_GRANTS = new Set(['client_credentials', 'password']);
const REDIS_DOWN_RETRY_AFTER_SECONDS = 5;

// The token endpoint's per-client limit for the client_credentials and password grants,
// counted after client authentication (a failed one costs the client nothing) and only for
// confidential clients. Counters live in Redis when REDIS_URL is set, else in the database.
@Injectable()
export class TokenRateLimits implements OnModuleDestroy {
  private readonly logger = new Logger(TokenRateLimits.name);
  private readonly limit: number;
  private readonly redis?: Redis;
  private readonly limiter: TokenRateLimiter;

  constructor(@InjectDataSource() dataSource: DataSource, config: ConfigService<Env, true>) {
    this.limit = config.get('TOKEN_RATE_LIMIT', { infer: true });
    const rule = {
      limit: this.limit,
      windowSeconds: config.get('TOKEN_RATE_LIMIT_WINDOW', { infer: true }),
    };
    const redisUrl = config.get('REDIS_URL', { infer: true });
    if (redisUrl === undefined) {
      this.limiter = new DatabaseTokenRateLimiter(dataSource, rule);
      return;
    }
    // Fail fast and quietly when Redis is away: no offline queue, one retry, short connect timeout.
    this.redis = new Redis(redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.limiter = new RedisTokenRateLimiter(this.redis, rule);
  }

  // Throws 429 temporarily_unavailable with Retry-After once the client is over its limit.
  async assertWithinLimit(client: Client, grantType: string): Promise<void> {
    if (this.limit === 0 || client.isPublic || !COUNTED_GRANTS.has(grantType)) {
      return;
    }
    const decision = await this.hitOrUnavailable(client.clientId);
    if (!decision.allowed) {
      throw new OAuthError(
        'temporarily_unavailable',
        'too many token requests for this client',
        429,
        {
          retryAfterSeconds: decision.retryAfterSeconds,
        },
      );
    }
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }

  private async hitOrUnavailable(clientId: string) {
    if (this.redis === undefined) {
      return this.limiter.hit(clientId);
    }
    try {
      if (this.redis.status === 'wait') {
        await this.redis.connect();
      }
      return await this.limiter.hit(clientId);
    } catch (error) {
      this.logger.warn(`Redis: token rate limit unavailable: ${(error as Error).message}`);
      throw new OAuthError('temporarily_unavailable', 'the rate limit store is unavailable', 503, {
        retryAfterSeconds: REDIS_DOWN_RETRY_AFTER_SECONDS,
      });
    }
  }
}
