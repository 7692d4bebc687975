import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Actor, userActor } from '../common/actor';
import { clientIp } from '../common/client-ip';
import { RendersErrors } from '../common/error-style';
import type { HttpRequest } from '../common/http';
import { SessionGuard } from './session.guard';
import { BrowserSession } from './session.service';
import { RETURN_AFTER_LOGIN, SignedInGuard } from './signed-in.guard';

// A controller of hosted pages: the browser session is loaded (or started) for every route, and
// failures are answered as pages (pages/page-error.renderer.ts).
export const HostedPages = () => applyDecorators(RendersErrors('page'), UseGuards(SessionGuard));

// Hosted pages for signed-in users; a signed-out browser is sent to sign in and then back to
// `returnTo`, a path of the feature's own.
export const SignedInPages = (returnTo: string) =>
  applyDecorators(
    SetMetadata(RETURN_AFTER_LOGIN, returnTo),
    RendersErrors('page'),
    UseGuards(SessionGuard, SignedInGuard),
  );

// The browser session SessionGuard loaded.
export const PageSession = createParamDecorator(
  (_data: unknown, context: ExecutionContext): BrowserSession => {
    const { browserSession } = context.switchToHttp().getRequest<HttpRequest>();
    if (!browserSession) {
      throw new Error('@PageSession() used on a route without HostedPages or SignedInPages');
    }
    return browserSession;
  },
);

// The user SignedInGuard let through.
export const SignedInUser = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const { user } = context.switchToHttp().getRequest<HttpRequest>();
  if (!user) {
    throw new Error('@SignedInUser() used on a route without SignedInPages');
  }
  return user;
});

// The signed-in user as the actor of what the request changes (the audit trail).
export const PageActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Actor => {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    if (!request.user) {
      throw new Error('@PageActor() used on a route without SignedInPages');
    }
    return userActor(request.user.id, clientIp(request));
  },
);
