import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { HttpRequest } from '../common/http';
import { User } from '../users/user.entity';
import { SignInRequired } from './page-error';
import { BrowserSession, SessionService } from './session.service';

declare module 'fastify' {
  // Declaration merging needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface FastifyRequest {
    // The signed-in user: set by SignedInGuard, and by LocalAuthGuard (passport) on sign-in.
    user?: User;
  }
}

export const RETURN_AFTER_LOGIN = 'portcullis:return-after-login';

// Lets only signed-in, enabled users through. Anyone else is sent to sign in, and afterwards back
// to the page the route names: a constant of ours kept in the session, never a URL from the request.
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const session = request.browserSession as BrowserSession;
    const user = await this.sessions.signedInUser(session);
    if (user) {
      request.user = user;
      return true;
    }
    session.data.returnTo = this.reflector.getAllAndOverride<string>(RETURN_AFTER_LOGIN, [
      context.getHandler(),
      context.getClass(),
    ]);
    await this.sessions.save(session);
    throw new SignInRequired();
  }
}
