import { ACCOUNT_RULE, accountKey, retryAfterSeconds } from './login-throttle';

describe('login throttle rules', () => {
  const now = new Date('2026-11-23T12:00:00.000Z');
  const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  it.each([
    { failures: 1, lockedUntil: null, expected: 0 },
    { failures: 5, lockedUntil: null, expected: 0 },
    { failures: 6, lockedUntil: null, expected: 900 },
    { failures: 6, lockedUntil: later(899.2), expected: 900 },
    { failures: 9, lockedUntil: later(0.1), expected: 1 },
    { failures: 2, lockedUntil: later(-1), expected: 0 },
  ])('should wait $expected s after $failures attempts locked until $lockedUntil', (row) => {
    expect(retryAfterSeconds(row, ACCOUNT_RULE, now)).toBe(row.expected);
  });

  it('should key accounts by a hash of the case-folded username, whatever its length', () => {
    expect(accountKey('Alice')).toBe(accountKey('alice'));
    expect(accountKey('alice')).toMatch(/^account:[0-9a-f]{64}$/);
    expect(accountKey('a'.repeat(5000))).toHaveLength(72);
  });
});
