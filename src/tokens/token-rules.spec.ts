import { isIssuedAfterInvalidation, isWithinReuseGrace } from './token-rules';

const at = (iso: string) => new Date(iso);

describe('isIssuedAfterInvalidation', () => {
  it.each([
    { enabled: true, before: null, issued: '2026-01-01T00:00:00.000Z', expected: true },
    { enabled: false, before: null, issued: '2026-01-01T00:00:00.000Z', expected: false },
    {
      enabled: true,
      before: '2026-01-01T00:00:00.000Z',
      issued: '2026-01-01T00:00:00.001Z',
      expected: true,
    },
    {
      enabled: true,
      before: '2026-01-01T00:00:00.000Z',
      issued: '2026-01-01T00:00:00.000Z',
      expected: false,
    },
    {
      enabled: true,
      before: '2026-01-01T00:00:00.000Z',
      issued: '2025-12-31T23:59:59.999Z',
      expected: false,
    },
  ])(
    'should return $expected when enabled=$enabled, invalid before $before, issued $issued',
    ({ enabled, before, issued, expected }) => {
      const owner = { enabled, tokensInvalidBefore: before === null ? null : at(before) };
      expect(isIssuedAfterInvalidation(owner, at(issued))).toBe(expected);
    },
  );
});

describe('isWithinReuseGrace', () => {
  const rotatedAt = at('2026-01-01T00:00:00.000Z');
  it.each([
    { now: '2026-01-01T00:00:00.000Z', grace: 10, expected: true },
    { now: '2026-01-01T00:00:10.000Z', grace: 10, expected: true },
    { now: '2026-01-01T00:00:10.001Z', grace: 10, expected: false },
    { now: '2026-01-01T00:00:00.001Z', grace: 0, expected: false },
  ])('should return $expected at $now with a grace of $grace s', ({ now, grace, expected }) => {
    expect(isWithinReuseGrace(rotatedAt, at(now), grace)).toBe(expected);
  });
});
