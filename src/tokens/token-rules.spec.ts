import {
  isIdleExpired,
  isIssuedAfterInvalidation,
  isWithinReuseGrace,
  lastUsedAt,
  successionOf,
} from './token-rules';

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

describe('isIdleExpired and lastUsedAt', () => {
  const createdAt = at('2026-01-01T00:00:00.000Z');
  it.each([
    { now: '2026-01-02T00:00:00.000Z', rotated: null, idle: 0, expected: false },
    { now: '2026-01-01T00:59:59.999Z', rotated: null, idle: 3600, expected: false },
    { now: '2026-01-01T01:00:00.000Z', rotated: null, idle: 3600, expected: true },
    // A retry of a token rotated a moment ago: its rotation was its last use.
    {
      now: '2026-01-01T01:00:05.000Z',
      rotated: '2026-01-01T01:00:00.000Z',
      idle: 3600,
      expected: false,
    },
    {
      now: '2026-01-01T02:00:00.000Z',
      rotated: '2026-01-01T01:00:00.000Z',
      idle: 3600,
      expected: true,
    },
  ])(
    'should return $expected at $now (rotated $rotated) with an idle TTL of $idle s',
    ({ now, rotated, idle, expected }) => {
      const family = {
        headTokenId: rotated === null ? 't1' : 't2',
        previousTokenId: rotated === null ? null : 't1',
        rotatedAt: rotated === null ? null : at(rotated),
      };
      const lastUsed = lastUsedAt({ id: 't1', createdAt }, family);
      expect(isIdleExpired(lastUsed, at(now), idle)).toBe(expected);
    },
  );

  it('should take the issue time of a token that is not the one the head was rotated from', () => {
    const family = {
      headTokenId: 't3',
      previousTokenId: 't2',
      rotatedAt: at('2026-01-05T00:00:00.000Z'),
    };
    expect(lastUsedAt({ id: 't1', createdAt }, family)).toEqual(createdAt);
  });
});

describe('successionOf', () => {
  const now = at('2026-01-01T00:00:05.000Z');
  const rotatedAt = at('2026-01-01T00:00:00.000Z');
  const token = (revokedAt: Date | null = null) => ({ id: 't1', revokedAt });
  // t1 rotated to t2 at `rotatedAt` (or at `when`).
  const rotatedTo = (head: string, when: Date = rotatedAt) => ({
    headTokenId: head,
    previousTokenId: 't1',
    rotatedAt: when,
  });
  it.each([
    {
      name: 'the head is rotated',
      presented: token(),
      family: { headTokenId: 't1', previousTokenId: null, rotatedAt: null },
      expected: { kind: 'rotate', expectedHead: 't1' },
    },
    {
      name: 'a retry within the grace replaces the unused successor',
      presented: token(),
      family: rotatedTo('t2'),
      expected: { kind: 'replace', expectedHead: 't2' },
    },
    {
      name: 'a second retry within the grace replaces the replacement',
      presented: token(),
      family: rotatedTo('t2b'),
      expected: { kind: 'replace', expectedHead: 't2b' },
    },
    {
      name: 'a retry after the grace is reuse',
      presented: token(),
      family: rotatedTo('t2', at('2025-12-31T23:59:54.000Z')),
      expected: { kind: 'reuse' },
    },
    {
      name: 'a retry once the successor was itself rotated is reuse',
      presented: token(),
      family: { headTokenId: 't3', previousTokenId: 't2', rotatedAt },
      expected: { kind: 'reuse' },
    },
    {
      name: 'a revoked token presented again is reuse',
      presented: token(rotatedAt),
      family: rotatedTo('t2'),
      expected: { kind: 'reuse' },
    },
    {
      name: 'a token never rotated and not the head is reuse',
      presented: token(),
      family: { headTokenId: 't2', previousTokenId: 't0', rotatedAt },
      expected: { kind: 'reuse' },
    },
  ])('should decide $expected.kind when $name', ({ presented, family, expected }) => {
    expect(successionOf(presented, family, now, 10)).toEqual(expected);
  });
});
