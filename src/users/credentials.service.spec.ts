import * as password from './password';
import { CredentialsService } from './credentials.service';
import { ACCOUNT_RULE, IP_RULE, accountKey } from './login-throttle';
import { LoginThrottleService } from './login-throttle.service';
import { User } from './user.entity';
import { UsersService } from './users.service';

describe('CredentialsService', () => {
  const throttle = { countAttempt: jest.fn(), succeeded: jest.fn() };
  const users = { findByUsername: jest.fn() };
  let service: CredentialsService;
  let aliceHash: string;

  beforeAll(async () => {
    aliceHash = await password.hashPassword('correct-horse-battery');
    service = new CredentialsService(
      users as unknown as UsersService,
      throttle as unknown as LoginThrottleService,
    );
    await service.onModuleInit();
  });
  beforeEach(() => {
    jest.restoreAllMocks();
    jest.clearAllMocks();
    throttle.countAttempt.mockResolvedValue(0);
  });

  const alice = (enabled = true) =>
    ({ id: 'u1', username: 'alice', passwordHash: aliceHash, enabled }) as User;

  it('should count the attempt per account and per IP before checking the password', async () => {
    users.findByUsername.mockResolvedValue(alice());
    await service.check('Alice', 'wrong-password', '10.0.0.1');
    expect(throttle.countAttempt).toHaveBeenCalledWith([
      { key: accountKey('alice'), rule: ACCOUNT_RULE },
      { key: 'ip:10.0.0.1', rule: IP_RULE },
    ]);
    expect(throttle.countAttempt.mock.invocationCallOrder[0]).toBeLessThan(
      users.findByUsername.mock.invocationCallOrder[0],
    );
  });

  it('should verify an unknown user against a dummy argon2id hash, so it costs the same work', async () => {
    users.findByUsername.mockResolvedValue(null);
    const verify = jest.spyOn(password, 'verifyPassword');
    expect(await service.check('nobody', 'whatever-password', '10.0.0.1')).toEqual({
      outcome: 'invalid',
    });
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0][0]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(verify.mock.calls[0][0]).not.toBe(aliceHash);
  });

  it.each([
    ['a wrong password', alice(), 'wrong-password'],
    ['a disabled user with the right password', alice(false), 'correct-horse-battery'],
  ])('should answer invalid and keep the attempt counted for %s', async (_case, user, given) => {
    users.findByUsername.mockResolvedValue(user);
    expect(await service.check('alice', given, '10.0.0.1')).toEqual({ outcome: 'invalid' });
    expect(throttle.succeeded).not.toHaveBeenCalled();
  });

  it('should answer valid and give the attempt back for the right password', async () => {
    const user = alice();
    users.findByUsername.mockResolvedValue(user);
    expect(await service.check('alice', 'correct-horse-battery', '10.0.0.1')).toEqual({
      outcome: 'valid',
      user,
    });
    expect(throttle.succeeded).toHaveBeenCalledWith(accountKey('alice'), 'ip:10.0.0.1');
  });

  it('should answer throttled without checking the password while a key is locked', async () => {
    throttle.countAttempt.mockResolvedValue(120);
    const verify = jest.spyOn(password, 'verifyPassword');
    expect(await service.check('alice', 'correct-horse-battery', '10.0.0.1')).toEqual({
      outcome: 'throttled',
      retryAfterSeconds: 120,
    });
    expect(verify).not.toHaveBeenCalled();
    expect(users.findByUsername).not.toHaveBeenCalled();
  });
});
