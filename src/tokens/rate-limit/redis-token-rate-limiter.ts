import Redis from 'ioredis';
import { isWithinLimit } from './token-rate-limit';
import { TokenRateLimitDecision, TokenRateLimiter } from './token-rate-limiter';
import { TokenRateLimitRule } from './database-token-rate-limiter';

// One round trip, atomic on the server: count the hit, start the window's expiry on the first
// hit, and answer the count with the milliseconds the window has left.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

export class RedisTokenRateLimiter implements TokenRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly rule: TokenRateLimitRule,
    private readonly keyPrefix = 'portcullis:token-rate:',
  ) {}

  async hit(clientId: string): Promise<TokenRateLimitDecision> {
    const [count, ttlMs] = (await this.redis.eval(
      HIT_SCRIPT,
      1,
      `${this.keyPrefix}${clientId}`,
      String(this.rule.windowSeconds * 1000),
    )) as [number, number];
    return {
      allowed: isWithinLimit(count, this.rule.limit),
      retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
    };
  }
}
