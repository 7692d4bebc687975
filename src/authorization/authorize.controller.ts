import { Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HttpRequest, HttpResponse, isFormBody, seeOther } from '../common/http';
import { OAuthError } from '../common/oauth-error';
import { AuthorizationService } from './authorization.service';
import { HostedPagesFilter } from './hosted-pages.filter';
import { SessionGuard } from './session.guard';
import { BrowserSession } from './session.service';

// The authorization endpoint (RFC 6749 §3.1): GET with the query, or POST form-encoded. Every
// answer is a 303 to the login page, the consent page or the client; an unverifiable client or
// redirect URI gets an error page instead (HostedPagesFilter).
@ApiExcludeController()
@Controller('oauth/authorize')
@UseFilters(HostedPagesFilter)
@UseGuards(SessionGuard)
export class AuthorizeController {
  constructor(private readonly authorization: AuthorizationService) {}

  @Get()
  async authorizeByQuery(
    @Req() request: HttpRequest,
    @Res() response: HttpResponse,
  ): Promise<void> {
    await this.answer(request.query as Record<string, unknown>, request, response);
  }

  @Post()
  async authorizeByForm(@Req() request: HttpRequest, @Res() response: HttpResponse): Promise<void> {
    if (!isFormBody(request)) {
      throw new OAuthError(
        'invalid_request',
        'a POST to the authorization endpoint must be application/x-www-form-urlencoded',
      );
    }
    await this.answer(request.body as Record<string, unknown>, request, response);
  }

  private async answer(
    params: Record<string, unknown>,
    request: HttpRequest,
    response: HttpResponse,
  ) {
    const session = request.browserSession as BrowserSession;
    const location = await this.authorization.authorize(params, session);
    seeOther(response, location);
  }
}
