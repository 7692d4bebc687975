import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { HttpRequest, HttpResponse, isFormBody, seeOther } from '../common/http';
import { OAuthError } from '../common/oauth-error';
import { AuthorizationEndpointDocs } from '../common/openapi';
import { HostedPages, PageSession } from '../pages/hosted-pages';
import { BrowserSession } from '../pages/session.service';
import { AuthorizationService } from './authorization.service';

// The authorization endpoint (RFC 6749 §3.1): GET with the query, or POST form-encoded. Every
// answer is a 303 to the login page, the consent page or the client; an unverifiable client or
// redirect URI gets an error page instead (never a redirect).
@Controller('oauth/authorize')
@HostedPages()
export class AuthorizeController {
  constructor(private readonly authorization: AuthorizationService) {}

  @Get()
  @AuthorizationEndpointDocs()
  async authorizeByQuery(
    @Req() request: HttpRequest,
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const params = request.query as Record<string, unknown>;
    seeOther(response, await this.authorization.authorize(params, session));
  }

  @Post()
  @AuthorizationEndpointDocs()
  async authorizeByForm(
    @Req() request: HttpRequest,
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    if (!isFormBody(request)) {
      throw new OAuthError(
        'invalid_request',
        'a POST to the authorization endpoint must be application/x-www-form-urlencoded',
      );
    }
    const params = request.body as Record<string, unknown>;
    seeOther(response, await this.authorization.authorize(params, session));
  }
}
