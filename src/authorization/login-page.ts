import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import type { HttpRequest, HttpResponse } from '../common/http';
import { PageErrorRenderer } from '../common/page-error-renderer';
import { stringField } from '../pages/form-field';
import { PagesService } from '../pages/pages.service';
import { BrowserSession, SessionService } from '../pages/session.service';
import { AuthorizationService } from './authorization.service';
import { LoginRejected } from './local.strategy';

const INVALID_CREDENTIALS = 'Invalid username or password.';

// The sign-in form, first shown and after a rejected attempt. The session is stored before the
// form goes out, so the CSRF token in it is bound to a session the POST can find.
@Injectable()
export class LoginPage {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly sessions: SessionService,
    private readonly pages: PagesService,
  ) {}

  async render(
    session: BrowserSession,
    response: HttpResponse,
    status = 200,
    error: string | null = null,
    username = '',
  ): Promise<void> {
    if (session.version === null) {
      await this.sessions.save(session);
    }
    this.pages.render(response, status, 'login', {
      title: 'Sign in',
      clientName: await this.authorization.loginClientName(session),
      csrfToken: session.data.csrfToken,
      requestId: session.data.resumeAfterLogin ?? null,
      error,
      username: username || ((await this.authorization.loginHint(session)) ?? ''),
    });
  }

  // Unknown user, wrong password and disabled account read the same; only throttling differs.
  async renderRejected(request: HttpRequest, response: HttpResponse, rejection: LoginRejected) {
    const username = stringField(request.body, 'username') ?? '';
    const session = request.browserSession as BrowserSession;
    if (rejection.retryAfterSeconds === undefined) {
      await this.render(session, response, 400, INVALID_CREDENTIALS, username);
      return;
    }
    const minutes = Math.ceil(rejection.retryAfterSeconds / 60);
    response.header('Retry-After', String(rejection.retryAfterSeconds));
    await this.render(
      session,
      response,
      429,
      `Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      username,
    );
  }
}

// A rejected sign-in is answered with the form again; a failure while doing so, like any other
// failure of the page, by the page error renderer.
@Catch(LoginRejected)
@Injectable()
export class LoginRejectedFilter implements ExceptionFilter {
  constructor(
    private readonly loginPage: LoginPage,
    private readonly pageErrors: PageErrorRenderer,
  ) {}

  catch(rejection: LoginRejected, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<HttpRequest>();
    const response = host.switchToHttp().getResponse<HttpResponse>();
    this.loginPage
      .renderRejected(request, response, rejection)
      .catch((error: unknown) => this.pageErrors.render(error, request, response));
  }
}
