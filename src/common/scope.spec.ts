import { isWellFormedScope, resolveRequestedScope, resolveScope, scopeList } from './scope';

describe('isWellFormedScope', () => {
  it.each([
    ['profile', true],
    ['profile email', true],
    ['urn:example:read', true],
    ['profile  email', false],
    [' profile', false],
    ['profile\temail', false],
    ['say"hi"', false],
    ['back\\slash', false],
    ['', false],
  ])('should return %s → %s', (scope, expected) => {
    expect(isWellFormedScope(scope)).toBe(expected);
  });
});

describe('scopeList', () => {
  it('should split a stored scope string and drop empty entries', () => {
    expect(scopeList('profile email')).toEqual(['profile', 'email']);
    expect(scopeList('')).toEqual([]);
  });
});

describe('resolveScope', () => {
  const allowed = ['profile', 'email'];
  it.each([
    { requested: undefined, expected: ['profile', 'email'] },
    { requested: 'email', expected: ['email'] },
    { requested: 'email email profile', expected: ['email', 'profile'] },
    { requested: 'email admin', expected: 'scope exceeds what this client may request' },
    { requested: 'email  profile', expected: 'scope must be space-separated scope tokens' },
  ])('should resolve $requested to $expected', ({ requested, expected }) => {
    expect(resolveScope(requested, allowed)).toEqual(expected);
  });

  it('should name what the scope exceeds', () => {
    expect(resolveScope('admin', allowed, 'what was originally granted')).toBe(
      'scope exceeds what was originally granted',
    );
  });
});

describe('resolveRequestedScope', () => {
  it.each([
    { requested: undefined, expected: ['profile', 'email'] },
    { requested: 'openid', expected: ['openid'] },
    { requested: 'openid email', expected: ['openid', 'email'] },
    { requested: 'openid phone', expected: 'scope exceeds what this client may request' },
  ])('should answer $expected when $requested is asked of "profile email"', (row) => {
    expect(resolveRequestedScope(row.requested, 'profile email')).toEqual(row.expected);
  });
});
