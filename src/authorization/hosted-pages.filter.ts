import { ArgumentsHost, Catch, ExceptionFilter, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OAuthError } from '../common/oauth-error';
import { isDatabaseUnavailable } from '../database/database-errors';
import { AuthorizationService } from './authorization.service';
import { PageError } from './page-error';
import { LoginRejected } from './local.strategy';
import { LoginPage } from './login-page';
import { PagesService } from './pages.service';
import { SessionConflict } from './session.service';

// How the hosted pages and the authorization endpoint answer their own failures:
// - an OAuth error whose client and redirect URI are verified goes back to the client (303);
// - any other OAuth error, and a page error, is an error page: never a redirect (RFC 6749 §4.1.2.1);
// - a rejected login shows the form again (400, or 429 with Retry-After while throttled).
@Catch(OAuthError, PageError, LoginRejected, SessionConflict)
@Injectable()
export class HostedPagesFilter implements ExceptionFilter {
  private readonly logger = new Logger(HostedPagesFilter.name);

  constructor(
    private readonly authorization: AuthorizationService,
    private readonly pages: PagesService,
    private readonly loginPage: LoginPage,
  ) {}

  catch(exception: OAuthError | PageError | LoginRejected | SessionConflict, host: ArgumentsHost) {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    this.respond(exception, request, response).catch((error: unknown) => {
      const unavailable = isDatabaseUnavailable(error);
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      this.pages.render(response, unavailable ? 503 : 500, 'error', {
        title: unavailable ? 'Service unavailable' : 'Something went wrong',
        message: 'Please try again in a moment.',
        code: unavailable ? 'temporarily_unavailable' : 'server_error',
      });
    });
  }

  private async respond(
    exception: OAuthError | PageError | LoginRejected | SessionConflict,
    request: Request,
    response: Response,
  ): Promise<void> {
    if (exception instanceof LoginRejected) {
      await this.loginPage.renderRejected(request, response, exception);
    } else if (exception instanceof OAuthError && exception.redirect) {
      response.status(303).location(this.authorization.errorRedirect(exception)).end();
    } else if (exception instanceof OAuthError) {
      this.pages.render(response, exception.status, 'error', {
        title: 'This application sent an invalid request',
        message: exception.description,
        code: exception.code,
      });
    } else if (exception instanceof SessionConflict) {
      this.pages.render(response, 409, 'error', {
        title: 'Already answered',
        message: 'This request was answered in another window. Go back to the application.',
        code: null,
      });
    } else {
      this.pages.render(response, exception.status, 'error', {
        title: exception.title,
        message: exception.message,
        code: null,
      });
    }
  }
}
