import { isWithinLimit, secondsUntilReset, windowStartOf } from './token-rate-limit';

describe('windowStartOf', () => {
  it.each([
    { now: 0, window: 60, expected: 0 },
    { now: 59_999, window: 60, expected: 0 },
    { now: 60_000, window: 60, expected: 60_000 },
    { now: 61_500, window: 60, expected: 60_000 },
    { now: 1_500, window: 1, expected: 1_000 },
    { now: 3_999, window: 2, expected: 2_000 },
  ])(
    'should return $expected when now is $now ms and the window $window s',
    ({ now, window, expected }) => {
      expect(windowStartOf(now, window)).toBe(expected);
    },
  );
});

describe('secondsUntilReset', () => {
  it.each([
    { now: 0, window: 60, expected: 60 },
    { now: 1, window: 60, expected: 60 },
    { now: 59_000, window: 60, expected: 1 },
    { now: 59_999, window: 60, expected: 1 },
    { now: 30_500, window: 60, expected: 30 },
    { now: 1_999, window: 2, expected: 1 },
  ])(
    'should return $expected when now is $now ms and the window $window s',
    ({ now, window, expected }) => {
      expect(secondsUntilReset(now, window)).toBe(expected);
    },
  );
});

describe('isWithinLimit', () => {
  it.each([
    { count: 1, limit: 1, expected: true },
    { count: 2, limit: 1, expected: false },
    { count: 600, limit: 600, expected: true },
    { count: 601, limit: 600, expected: false },
    { count: 1_000_000, limit: 0, expected: true },
  ])(
    'should return $expected when the count is $count and the limit $limit',
    ({ count, limit, expected }) => {
      expect(isWithinLimit(count, limit)).toBe(expected);
    },
  );
});
