import { Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HttpRequest, HttpResponse, seeOther } from '../common/http';
import { clientIp } from '../common/client-ip';
import { AuthorizationService } from './authorization.service';
import { CsrfGuard } from './csrf.guard';
import { stringField } from './form-field';
import { HostedPagesFilter } from './hosted-pages.filter';
import { SessionGuard } from './session.guard';
import { PagesService } from './pages.service';
import { describeScope } from './scope-descriptions';
import { BrowserSession } from './session.service';

// The consent page: which application (its name and where it sends you back) asks for what.
// The decision names only the pending request; client, redirect URI and scope are read from the
// session.
@ApiExcludeController()
@Controller('consent')
@UseFilters(HostedPagesFilter)
@UseGuards(SessionGuard)
export class ConsentController {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly pages: PagesService,
  ) {}

  @Get()
  async show(@Req() request: HttpRequest, @Res() response: HttpResponse): Promise<void> {
    const session = request.browserSession as BrowserSession;
    const { pending, client, user } = await this.authorization.consentPrompt(
      session,
      stringField(request.query, 'request'),
    );
    this.pages.render(response, 200, 'consent', {
      title: 'Allow access?',
      clientName: client.clientName,
      redirectHost: new URL(pending.redirectUri).host,
      // Every token tells the application who you are (GET /api/me), whatever the scope.
      scopes: ['See your username', ...pending.scope.map(describeScope)],
      username: user.username,
      csrfToken: session.data.csrfToken,
      requestId: pending.id,
    });
  }

  @Post()
  @UseGuards(CsrfGuard)
  async decide(@Req() request: HttpRequest, @Res() response: HttpResponse): Promise<void> {
    const location = await this.authorization.decide(
      request.browserSession as BrowserSession,
      stringField(request.body, 'request'),
      stringField(request.body, 'decision'),
      clientIp(request),
    );
    seeOther(response, location);
  }
}
