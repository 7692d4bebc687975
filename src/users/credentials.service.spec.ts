import { CredentialsService } from './credentials.service';
import { LoginThrottleService } from './login-throttle.service';
import { hashPassword } from './password';
import { User } from './user.entity';
import { UsersService } from './users.service';

const PASSWORD = 'lantern-orbit-velvet-42';

// A change an operator commits while the password is being hashed (seconds on a loaded machine)
// must not let that sign-in through: the row is read again after the hash.
describe('CredentialsService', () => {
  let alice: User;

  beforeAll(async () => {
    const passwordHash = await hashPassword(PASSWORD);
    alice = Object.assign(new User(), {
      id: 'u1',
      username: 'alice',
      passwordHash,
      enabled: true,
      tokensInvalidBefore: null,
    });
  });

  async function checkWhile(change: Partial<User> | null) {
    const reads = [alice, change === null ? null : { ...alice, ...change }];
    const users = { findByUsername: () => Promise.resolve(reads.shift() ?? null) };
    const succeeded = jest.fn(() => Promise.resolve());
    const throttle = { countAttempt: () => Promise.resolve(0), succeeded };
    const credentials = new CredentialsService(
      users as unknown as UsersService,
      throttle as unknown as LoginThrottleService,
    );
    await credentials.onModuleInit();
    return { outcome: await credentials.check('alice', PASSWORD, '127.0.0.1'), succeeded };
  }

  it('should accept the password when nothing changed meanwhile', async () => {
    const { outcome, succeeded } = await checkWhile({});
    expect(outcome).toEqual({ outcome: 'valid', user: { ...alice } });
    expect(succeeded).toHaveBeenCalledTimes(1);
  });

  it.each([
    { name: 'the account was disabled', change: { enabled: false } },
    { name: 'a new password was set', change: { passwordHash: 'another-hash' } },
    {
      name: 'the account was disabled and enabled again',
      change: { tokensInvalidBefore: new Date('2026-12-02T00:00:00.000Z') },
    },
    { name: 'the user was deleted', change: null },
  ])('should refuse the sign-in when $name during the hash', async ({ change }) => {
    const { outcome, succeeded } = await checkWhile(change);
    expect(outcome).toEqual({ outcome: 'invalid' });
    expect(succeeded).not.toHaveBeenCalled();
  });
});
