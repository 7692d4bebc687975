import { hashPassword, passwordProblems, verifyPassword } from './password';

describe('passwordProblems', () => {
  it.each([
    { password: 'correct horse battery', username: 'alice', problems: [] },
    { password: 'xq7!Lm2p', username: undefined, problems: [] },
    { password: ' padded passphrase ', username: 'alice', problems: [] },
    { password: '🔑'.repeat(1024), username: 'alice', problems: [] },
    {
      password: 'short',
      username: 'alice',
      problems: ['password must be at least 8 characters long'],
    },
    // 7 code points although 14 UTF-16 units: length counts characters, not bytes
    {
      password: '🔑'.repeat(7),
      username: 'alice',
      problems: ['password must be at least 8 characters long'],
    },
    {
      password: 'a'.repeat(1025),
      username: 'alice',
      problems: ['password must be at most 1024 characters long'],
    },
    {
      password: 'password123',
      username: 'alice',
      problems: ['password is too common; choose a less predictable one'],
    },
    {
      password: 'IloveYou1',
      username: 'alice',
      problems: ['password is too common; choose a less predictable one'],
    },
    {
      password: 'Alice.Smith',
      username: 'alice.smith',
      problems: ['password must not be the username'],
    },
  ])('should report $problems for "$password"', ({ password, username, problems }) => {
    expect(passwordProblems(password, username)).toEqual(problems);
  });
});

describe('hashPassword and verifyPassword', () => {
  it('should hash with argon2id at m=19 MiB, t=2, p=1 and verify only the same password', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(verifyPassword(stored, 'correct horse battery')).resolves.toBe(true);
    await expect(verifyPassword(stored, 'correct horse battery ')).resolves.toBe(false);
    await expect(verifyPassword(stored, 'Correct horse battery')).resolves.toBe(false);
  });

  it('should salt every hash', async () => {
    const [first, second] = await Promise.all([
      hashPassword('correct horse battery'),
      hashPassword('correct horse battery'),
    ]);
    expect(first).not.toBe(second);
  });

  it('should return false, not throw, when the stored hash is malformed', async () => {
    await expect(verifyPassword('not-a-hash', 'correct horse battery')).resolves.toBe(false);
  });

  it('should refuse an over-long password without hashing it', async () => {
    const stored = await hashPassword('a'.repeat(1024));
    await expect(verifyPassword(stored, 'a'.repeat(1024))).resolves.toBe(true);
    await expect(verifyPassword(stored, 'a'.repeat(1025))).resolves.toBe(false);
  });
});
