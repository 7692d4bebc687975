import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { HttpRequest } from '../common/http';
import {
  ADMIN_ONLY,
  REQUIRED_SCOPES,
  RequestWithPrincipal,
  TokenPrincipal,
} from '../common/access';
import {
  hasRepeatedAuthorization,
  malformedBearerRequest,
  readBearerToken,
} from '../common/bearer-token';
import { sha256Hex, secretMatchesHash } from '../common/crypto';
import { OAuthError } from '../common/oauth-error';
import { Env } from '../config/env.validation';
import { AccessTokensService } from './access-tokens.service';

type Requirement = { adminOnly: boolean; scopes: string[] };

// The one global guard: routes declare who may call them (@AdminOnly(), @Scopes()); this enforces
// it by throwing RFC 6750 §3.1 errors (invalid_request 400, invalid_token 401, insufficient_scope
// 403), which the errors filter answers with a Bearer challenge and a JSON body. The token is read from the Authorization header only.
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly adminApiKeyHash: string;

  constructor(
    private readonly reflector: Reflector,
    config: ConfigService<Env, true>,
    private readonly accessTokens: AccessTokensService,
  ) {
    this.adminApiKeyHash = sha256Hex(config.get('ADMIN_API_KEY', { infer: true }));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = this.requirementOf(context);
    if (!requirement) {
      return true;
    }
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    const token = this.presentedToken(request, requirement);
    if (requirement.adminOnly && secretMatchesHash(token, this.adminApiKeyHash)) {
      return true;
    }
    const principal = await this.accessTokens.verify(token);
    if (!principal) {
      throw new OAuthError('invalid_token', 'the access token is invalid or expired', 401);
    }
    const missing = this.missingScopes(requirement, principal);
    if (missing) {
      const description = requirement.adminOnly
        ? 'an admin user with scope admin is required'
        : `this route needs scope ${missing.join(' ')}`;
      throw new OAuthError('insufficient_scope', description, 403, { scope: missing.join(' ') });
    }
    request.principal = principal;
    return true;
  }

  private requirementOf(context: ExecutionContext): Requirement | undefined {
    const targets = [context.getHandler(), context.getClass()];
    const adminOnly = this.reflector.getAllAndOverride<boolean | undefined>(ADMIN_ONLY, targets);
    const scopes = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, targets);
    if (adminOnly) {
      return { adminOnly: true, scopes: ['admin'] };
    }
    return scopes ? { adminOnly: false, scopes } : undefined;
  }

  // RFC 6750 §2.1 and §3.1: one token, in one Authorization header; a token in a form body is a
  // second method (the query string is never read).
  private presentedToken(request: HttpRequest, requirement: Requirement): string {
    const bearer = readBearerToken(request.headers.authorization);
    if (bearer.kind === 'absent') {
      const description = requirement.adminOnly
        ? 'admin credentials are required'
        : 'an access token is required';
      throw new OAuthError('invalid_token', description, 401, { noCredentials: true });
    }
    const inBody = (request.body as Record<string, unknown> | undefined)?.access_token;
    if (
      bearer.kind === 'malformed' ||
      hasRepeatedAuthorization(request.raw.rawHeaders) ||
      inBody !== undefined
    ) {
      throw malformedBearerRequest();
    }
    return bearer.token;
  }

  private missingScopes(requirement: Requirement, principal: TokenPrincipal): string[] | undefined {
    const lacksScope = requirement.scopes.some((scope) => !principal.scopes.includes(scope));
    if (lacksScope || (requirement.adminOnly && !principal.user.isAdmin)) {
      return requirement.scopes;
    }
    return undefined;
  }
}
