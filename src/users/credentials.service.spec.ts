import * as password from './password';
import { CredentialsService } from './credentials.service';
import { LoginThrottleService } from './login-throttle.service';
import { User } from './user.entity';
import { UsersService } from './users.service';

describe('CredentialsService', () => {
  const throttle = {
    retryAfterSeconds: jest.fn(),
    recordFailure: jest.fn(),
    reset: jest.fn(),
  };
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
    throttle.retryAfterSeconds.mockResolvedValue(0);
  });

  const alice = (enabled = true) =>
    ({ id: 'u1', username: 'alice', passwordHash: aliceHash, enabled }) as User;

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
  ])(
    'should answer invalid and count a failure per account and per IP for %s',
    async (_case, user, given) => {
      users.findByUsername.mockResolvedValue(user);
      expect(await service.check('Alice', given, '10.0.0.1')).toEqual({ outcome: 'invalid' });
      expect(throttle.recordFailure.mock.calls).toEqual([
        ['account:alice', { limit: 5, windowSeconds: 900, lockoutSeconds: 900 }],
        ['ip:10.0.0.1', { limit: 50, windowSeconds: 900, lockoutSeconds: 900 }],
      ]);
    },
  );

  it('should answer valid and reset the account counter for the right password', async () => {
    const user = alice();
    users.findByUsername.mockResolvedValue(user);
    expect(await service.check('alice', 'correct-horse-battery', '10.0.0.1')).toEqual({
      outcome: 'valid',
      user,
    });
    expect(throttle.reset).toHaveBeenCalledWith('account:alice');
    expect(throttle.recordFailure).not.toHaveBeenCalled();
  });

  it('should answer throttled without checking the password while a key is locked', async () => {
    throttle.retryAfterSeconds.mockResolvedValue(120);
    const verify = jest.spyOn(password, 'verifyPassword');
    expect(await service.check('alice', 'correct-horse-battery', '10.0.0.1')).toEqual({
      outcome: 'throttled',
      retryAfterSeconds: 120,
    });
    expect(throttle.retryAfterSeconds).toHaveBeenCalledWith(['account:alice', 'ip:10.0.0.1']);
    expect(verify).not.toHaveBeenCalled();
    expect(users.findByUsername).not.toHaveBeenCalled();
  });
});
