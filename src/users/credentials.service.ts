import { Injectable, OnModuleInit } from '@nestjs/common';
import { generateOpaqueSecret } from '../common/crypto';
import { LoginThrottleService } from './login-throttle.service';
import { ACCOUNT_RULE, IP_RULE, accountKey, ipKey } from './login-throttle';
import { hashPassword, verifyPassword } from './password';
import { User } from './user.entity';
import { UsersService } from './users.service';

export type CredentialsCheck =
  | { outcome: 'valid'; user: User }
  | { outcome: 'invalid' }
  | { outcome: 'throttled'; retryAfterSeconds: number };

// Checks a username and password for the hosted login and the password grant alike. Unknown user,
// wrong password and disabled account give the same answer after the same work: an unknown user
// is verified against a dummy hash. Attempts count per account and per client IP before the
// password is checked.
@Injectable()
export class CredentialsService implements OnModuleInit {
  private dummyHash = '';

  constructor(
    private readonly users: UsersService,
    private readonly throttle: LoginThrottleService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hashPassword(generateOpaqueSecret());
  }

  async check(username: string, password: string, clientIp: string): Promise<CredentialsCheck> {
    const account = accountKey(username);
    const address = ipKey(clientIp);
    const retryAfterSeconds = await this.throttle.countAttempt([
      { key: address, rule: IP_RULE },
      { key: account, rule: ACCOUNT_RULE },
    ]);
    if (retryAfterSeconds > 0) {
      return { outcome: 'throttled', retryAfterSeconds };
    }
    const user = await this.users.findByUsername(username);
    const passwordMatches = await verifyPassword(user?.passwordHash ?? this.dummyHash, password);
    if (!user || !passwordMatches || !user.enabled) {
      return { outcome: 'invalid' };
    }
    // The hash takes a while: an operator may have disabled the account or set a new password
    // meanwhile. The sign-in must not outlive that change (ASVS V7.4), so the row is read again.
    const current = await this.users.findByUsername(username);
    if (!current || !isUnchangedSince(user, current)) {
      return { outcome: 'invalid' };
    }
    await this.throttle.succeeded(account, address);
    return { outcome: 'valid', user: current };
  }
}

function isUnchangedSince(checked: User, current: User): boolean {
  return (
    current.enabled &&
    current.passwordHash === checked.passwordHash &&
    current.tokensInvalidBefore?.getTime() === checked.tokensInvalidBefore?.getTime()
  );
}
