import { Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HttpRequest, HttpResponse, seeOther } from '../common/http';
import { CsrfGuard } from '../pages/csrf.guard';
import { stringField } from '../pages/form-field';
import { HostedPages, PageSession } from '../pages/hosted-pages';
import { SIGN_IN_PATH } from '../pages/page-error';
import { PagesService } from '../pages/pages.service';
import { SessionCookie } from '../pages/session.guard';
import { BrowserSession, SessionService } from '../pages/session.service';
import { User } from '../users/user.entity';
import { AuthorizationService } from './authorization.service';
import { LocalAuthGuard } from './local.strategy';
import { LoginPage, LoginRejectedFilter } from './login-page';

// Hosted sign-in and sign-out. After a POST the browser is always sent on with 303, to a
// server-side continuation (the pending authorization request), never to a URL from the request.
@ApiExcludeController()
@Controller()
@HostedPages()
export class LoginController {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly sessions: SessionService,
    private readonly sessionCookie: SessionCookie,
    private readonly loginPage: LoginPage,
    private readonly pages: PagesService,
  ) {}

  @Get('login')
  async showLogin(
    @Req() request: HttpRequest,
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const user = await this.sessions.signedInUser(session);
    if (!user || (await this.authorization.signInRequested(session))) {
      await this.loginPage.render(session, response, 200, null, user?.username ?? '');
      return;
    }
    request.user = user;
    this.pages.render(response, 200, 'signed-in', {
      title: 'Signed in',
      username: user.username,
      csrfToken: session.data.csrfToken,
    });
  }

  // CsrfGuard runs first, so a forged form never reaches the password check or its counters. A
  // rejected sign-in shows the form again (LoginRejectedFilter).
  @Post('login')
  @UseGuards(CsrfGuard, LocalAuthGuard)
  @UseFilters(LoginRejectedFilter)
  async login(
    @Req() request: HttpRequest,
    @PageSession() anonymous: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    const user = request.user as User;
    const session = await this.sessions.signIn(anonymous, user.id);
    this.sessionCookie.sendIfNew(response, session);
    const location = await this.authorization.resumeAfterLogin(
      session,
      user,
      stringField(request.body, 'request'),
    );
    seeOther(response, location);
  }

  @Post('logout')
  @UseGuards(CsrfGuard)
  async logout(
    @PageSession() session: BrowserSession,
    @Res() response: HttpResponse,
  ): Promise<void> {
    await this.sessions.signOut(session);
    this.sessionCookie.clear(response);
    seeOther(response, SIGN_IN_PATH);
  }
}
