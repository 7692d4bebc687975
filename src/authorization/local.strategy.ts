import { Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import type { HttpRequest } from '../common/http';
import { Strategy } from 'passport-local';
import { clientIp } from '../common/client-ip';
import { CredentialsService } from '../users/credentials.service';
import { User } from '../users/user.entity';
import { stringField } from '../pages/form-field';

export class LoginRejected extends Error {
  constructor(readonly retryAfterSeconds?: number) {
    super(retryAfterSeconds ? 'too many attempts' : 'invalid credentials');
  }
}

// passport-local over the `username` and `password` form fields, checked by CredentialsService
// (argon2id, dummy hash for unknown users, throttling shared with the password grant).
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly credentials: CredentialsService) {
    super({ passReqToCallback: true });
  }

  // passport-local falls back to the query string; credentials are only taken from the body, so
  // a password never travels in a URL (and its logs and history).
  async validate(request: HttpRequest): Promise<User> {
    const username = stringField(request.body, 'username');
    const password = stringField(request.body, 'password');
    if (username === undefined || password === undefined) {
      throw new LoginRejected();
    }
    const result = await this.credentials.check(username, password, clientIp(request));
    if (result.outcome === 'valid') {
      return result.user;
    }
    throw new LoginRejected(result.outcome === 'throttled' ? result.retryAfterSeconds : undefined);
  }
}

@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  // passport-local fails (without calling validate) when a field is missing: same answer.
  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    if (error) {
      throw error instanceof Error ? error : new LoginRejected();
    }
    if (!user) {
      throw new LoginRejected();
    }
    return user;
  }
}
