// Brute-force limits for password checks (hosted login and the password grant share them).
// A key collects failures within a window; reaching the limit locks the key until the lockout ends.
export type ThrottleRule = { limit: number; windowSeconds: number; lockoutSeconds: number };

export const ACCOUNT_RULE: ThrottleRule = { limit: 5, windowSeconds: 900, lockoutSeconds: 900 };
export const IP_RULE: ThrottleRule = { limit: 50, windowSeconds: 900, lockoutSeconds: 900 };

export const accountKey = (username: string) => `account:${username.toLowerCase()}`;
export const ipKey = (address: string) => `ip:${address}`;

// Whole seconds until `lockedUntil`, at least 1 while it lies in the future.
export function secondsUntil(lockedUntil: Date | null, now: Date): number {
  if (!lockedUntil || lockedUntil <= now) {
    return 0;
  }
  return Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}
