import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { clientIp } from '../common/client-ip';
import { HttpRequest, HttpResponse, seeOther } from '../common/http';
import { CsrfGuard } from '../pages/csrf.guard';
import { stringField } from '../pages/form-field';
import { HostedPages, PageSession } from '../pages/hosted-pages';
import { PagesService } from '../pages/pages.service';
import { describeScope } from '../pages/scope-descriptions';
import { BrowserSession } from '../pages/session.service';
import { AuthorizationService } from './authorization.service';

// The consent page: which application (its name and where it sends you back) asks for what.
// The decision names only the pending request; client, redirect URI and scope are read from the
// session.
@ApiExcludeController()
@Controller('consent')
@HostedPages()
export class ConsentController {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly pages: PagesService,
  ) {}

  @Get()
  async show(
    @Req() request: HttpRequest,
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const { pending, client, user, api } = await this.authorization.consentPrompt(
      session,
      stringField(request.query, 'request'),
    );
    // The page bar shows who is signed in, with Sign out.
    request.user = user;
    this.pages.render(response, 200, 'consent', {
      title: 'Allow access?',
      clientName: client.clientName,
      redirectHost: new URL(pending.redirectUri).host,
      // Every token tells the application who you are (GET /api/me), whatever the scope.
      scopes: [
        'See your username',
        ...pending.scope.map(
          (scope) =>
            api?.scopes.find((defined) => defined.value === scope)?.description ??
            describeScope(scope),
        ),
      ],
      username: user.username,
      csrfToken: session.data.csrfToken,
      requestId: pending.id,
    });
  }

  @Post()
  @UseGuards(CsrfGuard)
  async decide(
    @Req() request: HttpRequest,
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const location = await this.authorization.decide(
      session,
      stringField(request.body, 'request'),
      stringField(request.body, 'decision'),
      clientIp(request),
    );
    seeOther(response, location);
  }
}
