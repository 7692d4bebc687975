import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ConfigService } from '@nestjs/config';
import { Env } from '../config/env.validation';
import { ADMIN_ONLY, AccessTokenVerifier } from './access';
import { malformedBearerRequest, readBearerToken } from './bearer-token';
import { sha256Hex, secretMatchesHash } from './crypto';

const REALM = 'realm="portcullis"';

// The one global guard: routes declare who may call them (@AdminOnly()); this enforces it with
// RFC 6750 §3 challenges.
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly adminApiKeyHash: string;

  constructor(
    private readonly reflector: Reflector,
    config: ConfigService<Env, true>,
    @Optional() private readonly tokenVerifier?: AccessTokenVerifier,
  ) {
    this.adminApiKeyHash = sha256Hex(config.get('ADMIN_API_KEY', { infer: true }));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const adminOnly = this.reflector.getAllAndOverride<boolean | undefined>(ADMIN_ONLY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!adminOnly) {
      return true;
    }
    const http = context.switchToHttp();
    const response = http.getResponse<Response>();
    const bearer = readBearerToken(http.getRequest<Request>().headers.authorization);
    if (bearer.kind === 'absent') {
      response.setHeader('WWW-Authenticate', `Bearer ${REALM}`);
      throw new UnauthorizedException('Admin credentials are required');
    }
    if (bearer.kind === 'malformed') {
      response.setHeader('WWW-Authenticate', `Bearer ${REALM}, error="invalid_request"`);
      throw malformedBearerRequest();
    }
    if (secretMatchesHash(bearer.token, this.adminApiKeyHash)) {
      return true;
    }
    const principal = await this.tokenVerifier?.verify(bearer.token);
    if (!principal) {
      response.setHeader('WWW-Authenticate', `Bearer ${REALM}, error="invalid_token"`);
      throw new UnauthorizedException('The access token is invalid or expired');
    }
    if (!principal.isAdminUser || !principal.scopes.includes('admin')) {
      response.setHeader(
        'WWW-Authenticate',
        `Bearer ${REALM}, error="insufficient_scope", scope="admin"`,
      );
      throw new ForbiddenException('An admin user with scope "admin" is required');
    }
    return true;
  }
}
