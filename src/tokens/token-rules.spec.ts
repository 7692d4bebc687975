import {
  isIdleExpired,
  isIssuedAfterInvalidation,
  isWithinReuseGrace,
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

describe('isIdleExpired', () => {
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
      const token = { createdAt, rotatedAt: rotated === null ? null : at(rotated) };
      expect(isIdleExpired(token, at(now), idle)).toBe(expected);
    },
  );
});

describe('successionOf', () => {
  const now = at('2026-01-01T00:00:05.000Z');
  const rotatedAt = at('2026-01-01T00:00:00.000Z');
  const token = (fields: { rotatedAt?: Date | null; revokedAt?: Date | null } = {}) => ({
    id: 't1',
    rotatedAt: fields.rotatedAt ?? null,
    revokedAt: fields.revokedAt ?? null,
  });
  const successor = { id: 't2', parentId: 't1' };
  it.each([
    {
      name: 'the head is rotated',
      presented: token(),
      headId: 't1',
      head: null,
      expected: { kind: 'rotate', expectedHead: 't1' },
    },
    {
      name: 'a retry within the grace replaces the unused successor',
      presented: token({ rotatedAt }),
      headId: 't2',
      head: successor,
      expected: { kind: 'replace', expectedHead: 't2' },
    },
    {
      name: 'a retry after the grace is reuse',
      presented: token({ rotatedAt: at('2025-12-31T23:59:54.000Z') }),
      headId: 't2',
      head: successor,
      expected: { kind: 'reuse' },
    },
    {
      name: 'a retry once the successor was itself rotated is reuse',
      presented: token({ rotatedAt }),
      headId: 't3',
      head: { id: 't3', parentId: 't2' },
      expected: { kind: 'reuse' },
    },
    {
      name: 'a replaced (revoked) token presented again is reuse',
      presented: token({ rotatedAt, revokedAt: rotatedAt }),
      headId: 't2',
      head: successor,
      expected: { kind: 'reuse' },
    },
    {
      name: 'a token never rotated and not the head is reuse',
      presented: token(),
      headId: 't2',
      head: successor,
      expected: { kind: 'reuse' },
    },
    {
      name: 'a head that could not be read is reuse',
      presented: token({ rotatedAt }),
      headId: 't2',
      head: null,
      expected: { kind: 'reuse' },
    },
  ])('should decide $expected.kind when $name', ({ presented, headId, head, expected }) => {
    expect(successionOf(presented, headId, head, now, 10)).toEqual(expected);
  });
});
