import { sha256Hex } from '../common/crypto';
import { normalizeUsername } from './username';

// Brute-force limits for password checks (hosted login and the password grant share them).
// Every attempt counts before its password is checked; a success gives it back. A key allows
// `limit` attempts per window; the next one starts a lockout of `lockoutSeconds`.
export type ThrottleRule = { limit: number; windowSeconds: number; lockoutSeconds: number };

export const ACCOUNT_RULE: ThrottleRule = { limit: 5, windowSeconds: 900, lockoutSeconds: 900 };
export const IP_RULE: ThrottleRule = { limit: 50, windowSeconds: 900, lockoutSeconds: 900 };

// Hashed, so any username (however long) makes a fixed-size key; the same for existing and
// unknown accounts.
export const accountKey = (username: string) => `account:${sha256Hex(normalizeUsername(username))}`;
export const ipKey = (address: string) => `ip:${address}`;

export type AttemptCount = { failures: number; lockedUntil: Date | null };

// Whole seconds the caller must wait, or 0 when this attempt may check its password.
export function retryAfterSeconds(count: AttemptCount, rule: ThrottleRule, now: Date): number {
  if (count.lockedUntil && count.lockedUntil > now) {
    return Math.max(1, Math.ceil((count.lockedUntil.getTime() - now.getTime()) / 1000));
  }
  return count.failures > rule.limit ? rule.lockoutSeconds : 0;
}
