import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  hasRepeatedAuthorization,
  malformedBearerRequest,
  readBearerToken,
} from '../common/bearer-token';
import { RendersErrors } from '../common/error-style';
import { HttpRequest, isFormBody } from '../common/http';
import { NoStore } from '../common/no-store';
import { OAuthError } from '../common/oauth-error';
import { readParam } from '../common/oauth-params';
import { Claims } from './standard-claims';
import { UserinfoService } from './userinfo.service';

// OpenID Connect Core §5.3: the claims of the user an access token was issued for. GET or POST;
// the token in the Authorization header (RFC 6750 §2.1) or, for a form POST, in the body (§2.2),
// never both and never in the query. Failures are RFC 6750 §3 errors with a Bearer challenge.
@ApiExcludeController()
@Controller('oauth/userinfo')
@RendersErrors('bearer')
export class UserinfoController {
  constructor(private readonly userinfo: UserinfoService) {}

  @Get()
  @NoStore()
  get(@Req() request: HttpRequest): Promise<Claims> {
    return this.userinfo.claimsFor(presentedToken(request, undefined));
  }

  @Post()
  @HttpCode(200)
  @NoStore()
  post(@Req() request: HttpRequest): Promise<Claims> {
    const inBody = isFormBody(request)
      ? readBodyToken(request.body as Record<string, unknown>)
      : undefined;
    return this.userinfo.claimsFor(presentedToken(request, inBody));
  }
}

function readBodyToken(body: Record<string, unknown>): string | undefined {
  try {
    return readParam(body, 'access_token');
  } catch {
    throw malformedBearerRequest();
  }
}

// RFC 6750 §2 and §3.1: exactly one token, by exactly one method.
function presentedToken(request: HttpRequest, inBody: string | undefined): string {
  const bearer = readBearerToken(request.headers.authorization);
  if (bearer.kind === 'malformed' || hasRepeatedAuthorization(request.raw.rawHeaders)) {
    throw malformedBearerRequest();
  }
  if (bearer.kind === 'token') {
    if (inBody !== undefined) {
      throw malformedBearerRequest();
    }
    return bearer.token;
  }
  if (inBody === undefined) {
    throw new OAuthError('invalid_token', 'an access token is required', 401, {
      noCredentials: true,
    });
  }
  return inBody;
}
