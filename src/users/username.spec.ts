import { normalizeUsername, USERNAME_PATTERN } from './username';

describe('usernames', () => {
  it.each(['alice', 'bob.smith', 'carol+test@example.com', 'd_42', '007'])(
    'should accept %s',
    (username) => {
      expect(USERNAME_PATTERN.test(normalizeUsername(username))).toBe(true);
    },
  );

  it.each(['al', '.alice', 'alice smith', 'ålice', 'alice\n', 'a'.repeat(65), '-alice'])(
    'should refuse "%s"',
    (username) => {
      expect(USERNAME_PATTERN.test(normalizeUsername(username))).toBe(false);
    },
  );

  it('should compare usernames case-insensitively by lower-casing them', () => {
    expect(normalizeUsername('Alice.Smith')).toBe('alice.smith');
  });
});
