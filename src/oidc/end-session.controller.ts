import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HttpRequest, HttpResponse, isFormBody, seeOther } from '../common/http';
import { CsrfGuard } from '../pages/csrf.guard';
import { stringField } from '../pages/form-field';
import { HostedPages, PageSession } from '../pages/hosted-pages';
import { PageError } from '../pages/page-error';
import { PagesService } from '../pages/pages.service';
import { SessionCookie } from '../pages/session.guard';
import { BrowserSession } from '../pages/session.service';
import { EndSessionService, LogoutOutcome } from './end-session.service';

// The end_session_endpoint (RP-Initiated Logout 1.0 §2): GET with the query or POST form-encoded,
// and the confirmation form it may show.
@ApiExcludeController()
@Controller('oauth/logout')
@HostedPages()
export class EndSessionController {
  constructor(
    private readonly endSession: EndSessionService,
    private readonly sessionCookie: SessionCookie,
    private readonly pages: PagesService,
  ) {}

  @Get()
  async byQuery(
    @Req() request: HttpRequest,
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const params = request.query as Record<string, unknown>;
    this.answer(response, session, await this.endSession.request(params, session));
  }

  @Post()
  async byForm(
    @Req() request: HttpRequest,
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    if (!isFormBody(request)) {
      throw new PageError(400, 'Sign-out refused', 'Send the logout request as a form.');
    }
    const params = request.body as Record<string, unknown>;
    this.answer(response, session, await this.endSession.request(params, session));
  }

  @Post('confirm')
  @UseGuards(CsrfGuard)
  async confirm(
    @Req() request: HttpRequest,
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const outcome = await this.endSession.confirm(
      session,
      stringField(request.body, 'logout'),
      stringField(request.body, 'decision'),
    );
    this.answer(response, session, outcome);
  }

  private answer(response: HttpResponse, session: BrowserSession, outcome: LogoutOutcome): void {
    if (outcome.kind === 'confirm') {
      this.pages.render(response, 200, 'logout-confirm', {
        title: 'Sign out',
        clientName: outcome.pending.clientName,
        username: outcome.username,
        csrfToken: session.data.csrfToken,
        logoutId: outcome.pending.id,
      });
      return;
    }
    this.sessionCookie.clear(response);
    if (outcome.kind === 'redirect') {
      seeOther(response, outcome.location);
      return;
    }
    this.pages.render(response, 200, 'signed-out', {
      title: 'Signed out',
      message: 'You are signed out. You can close this page.',
    });
  }
}
