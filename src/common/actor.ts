import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { RequestWithPrincipal } from './access';
import { clientIp } from './client-ip';

// Who did something, for the audit trail: a user (signed in on the hosted pages, or holding an
// access token, an admin's included), the ADMIN_API_KEY, the operator's command line, or a client
// acting for itself (the client_credentials grant).
export type ActorType = 'user' | 'admin_api_key' | 'cli' | 'client';
// `viaClientId`: the application whose access token the user acted through, if any.
export type Actor = {
  type: ActorType;
  userId: string | null;
  ip: string | null;
  viaClientId?: string;
};

export const CLI_ACTOR: Actor = { type: 'cli', userId: null, ip: null };

// A client acting for itself; the record's client_id names it.
export function clientActor(ip: string): Actor {
  return { type: 'client', userId: null, ip };
}

export function userActor(userId: string, ip: string): Actor {
  return { type: 'user', userId, ip };
}

// The caller of an @AdminOnly() or @Scopes() route: the token's user, or else the ADMIN_API_KEY
// (the only way through AccessGuard without a token principal).
export const RequestActor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Actor => {
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const { principal } = request;
    return principal
      ? { ...userActor(principal.user.id, clientIp(request)), viaClientId: principal.clientId }
      : { type: 'admin_api_key', userId: null, ip: clientIp(request) };
  },
);
