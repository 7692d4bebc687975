import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { HttpRequest } from '../common/http';
import { User } from '../users/user.entity';
import { AuthorizationService } from './authorization.service';
import { HostedPagesFilter } from './hosted-pages.filter';
import { PortalPage } from './portal-pages';
import { SessionGuard } from './session.guard';
import { BrowserSession, SessionService } from './session.service';
import { SignInRequired } from './page-error';

declare module 'fastify' {
  // Declaration merging needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface FastifyRequest {
    // The signed-in user: set by SignedInGuard, and by LocalAuthGuard (passport) on sign-in.
    user?: User;
  }
}

const RETURN_AFTER_LOGIN = 'portcullis:return-after-login';

// Lets only signed-in, enabled users through. Anyone else is sent to sign in, and afterwards back
// to the page the route names: a constant of ours kept in the session, never a URL from the request.
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authorization: AuthorizationService,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const session = request.browserSession as BrowserSession;
    const user = await this.authorization.signedInUser(session);
    if (user) {
      request.user = user;
      return true;
    }
    session.data.returnTo = this.reflector.getAllAndOverride<PortalPage>(RETURN_AFTER_LOGIN, [
      context.getHandler(),
      context.getClass(),
    ]);
    await this.sessions.save(session);
    throw new SignInRequired();
  }
}

// A controller of hosted pages for signed-in users, answering failures as pages.
export const SignedInPages = (returnTo: PortalPage) =>
  applyDecorators(
    SetMetadata(RETURN_AFTER_LOGIN, returnTo),
    UseFilters(HostedPagesFilter),
    UseGuards(SessionGuard, SignedInGuard),
  );

// The user SignedInGuard let through.
export const SignedInUser = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const { user } = context.switchToHttp().getRequest<HttpRequest>();
  if (!user) {
    throw new Error('@SignedInUser() used on a route without SignedInPages');
  }
  return user;
});
