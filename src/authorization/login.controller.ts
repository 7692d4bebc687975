import { Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HttpRequest, HttpResponse, seeOther } from '../common/http';
import { User } from '../users/user.entity';
import { AuthorizationService } from './authorization.service';
import { CsrfGuard } from './csrf.guard';
import { stringField } from './form-field';
import { HostedPagesFilter } from './hosted-pages.filter';
import { LocalAuthGuard } from './local.strategy';
import { LoginPage } from './login-page';
import { PagesService } from './pages.service';
import { SessionCookie, SessionGuard } from './session.guard';
import { BrowserSession, SessionService } from './session.service';

// Hosted sign-in and sign-out. After a POST the browser is always sent on with 303, to a
// server-side continuation (the pending authorization request), never to a URL from the request.
@ApiExcludeController()
@Controller()
@UseFilters(HostedPagesFilter)
@UseGuards(SessionGuard)
export class LoginController {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly sessions: SessionService,
    private readonly sessionCookie: SessionCookie,
    private readonly loginPage: LoginPage,
    private readonly pages: PagesService,
  ) {}

  @Get('login')
  async showLogin(@Req() request: HttpRequest, @Res() response: HttpResponse): Promise<void> {
    const session = request.browserSession as BrowserSession;
    const user = await this.authorization.signedInUser(session);
    if (!user) {
      await this.loginPage.render(session, response);
      return;
    }
    this.pages.render(response, 200, 'signed-in', {
      title: 'Signed in',
      username: user.username,
      csrfToken: session.data.csrfToken,
    });
  }

  // CsrfGuard runs first, so a forged form never reaches the password check or its counters.
  @Post('login')
  @UseGuards(CsrfGuard, LocalAuthGuard)
  async login(@Req() request: HttpRequest, @Res() response: HttpResponse): Promise<void> {
    const user = request.user as User;
    const session = await this.sessions.signIn(request.browserSession as BrowserSession, user.id);
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
  async logout(@Req() request: HttpRequest, @Res() response: HttpResponse): Promise<void> {
    await this.sessions.destroy(request.browserSession as BrowserSession);
    this.sessionCookie.clear(response);
    seeOther(response, '/login');
  }
}
