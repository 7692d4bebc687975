import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Injectable,
  Logger,
} from '@nestjs/common';
import { HttpRequest, HttpResponse, seeOther } from '../common/http';
import { OAuthError } from '../common/oauth-error';
import {
  isDatabaseUnavailable,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from '../database/database-errors';
import { AuthorizationService, LOGIN_PATH } from './authorization.service';
import { LoginRejected } from './local.strategy';
import { LoginPage } from './login-page';
import { PageError, SignInRequired } from './page-error';
import { PagesService } from './pages.service';
import { SessionConflict } from './session.service';

// How the hosted pages and the authorization endpoint answer every failure, as pages:
// - an OAuth error whose client and redirect URI are verified goes back to the client (303);
// - any other OAuth error, and a page error, is an error page: never a redirect (RFC 6749 §4.1.2.1);
// - a rejected login shows the form again (400, or 429 with Retry-After while throttled);
// - a signed-out browser on a page for signed-in users is sent to sign in (303);
// - a database that cannot answer is a 503 page, anything unexpected a logged 500 page.
@Catch()
@Injectable()
export class HostedPagesFilter implements ExceptionFilter {
  private readonly logger = new Logger(HostedPagesFilter.name);

  constructor(
    private readonly authorization: AuthorizationService,
    private readonly pages: PagesService,
    private readonly loginPage: LoginPage,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<HttpRequest>();
    const response = host.switchToHttp().getResponse<HttpResponse>();
    this.respond(exception, request, response).catch((error: unknown) =>
      this.lastResort(error, response),
    );
  }

  // Answering failed too: a 500 page if anything can still be sent, else the connection is cut.
  // Never a rejection left unhandled, which would end the process.
  private lastResort(error: unknown, response: HttpResponse): void {
    try {
      this.unexpected(error, response);
    } catch (again) {
      this.logger.error(again instanceof Error ? (again.stack ?? again.message) : String(again));
      response.raw.destroy();
    }
  }

  private async respond(exception: unknown, request: HttpRequest, response: HttpResponse) {
    if (exception instanceof LoginRejected) {
      await this.loginPage.renderRejected(request, response, exception);
    } else if (exception instanceof SignInRequired) {
      seeOther(response, LOGIN_PATH);
    } else if (exception instanceof OAuthError && exception.redirect) {
      seeOther(response, this.authorization.errorRedirect(exception));
    } else if (exception instanceof OAuthError) {
      this.page(
        response,
        exception.status,
        'This application sent an invalid request',
        exception.description,
        exception.code,
      );
    } else if (exception instanceof PageError) {
      this.page(response, exception.status, exception.title, exception.message, exception.code);
    } else if (exception instanceof SessionConflict) {
      this.page(
        response,
        409,
        'Already answered',
        'This request was answered in another window. Go back to the application.',
      );
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      this.page(response, exception.getStatus(), 'Request refused', exception.message);
    } else {
      this.unexpected(exception, response);
    }
  }

  private unexpected(error: unknown, response: HttpResponse): void {
    if (isDatabaseUnavailable(error)) {
      this.logger.warn(`database unavailable: ${(error as Error).message}`);
      response.header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      this.page(
        response,
        503,
        'Service unavailable',
        'Please try again in a moment.',
        'temporarily_unavailable',
      );
      return;
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    this.page(
      response,
      500,
      'Something went wrong',
      'Please try again in a moment.',
      'server_error',
    );
  }

  private page(
    response: HttpResponse,
    status: number,
    title: string,
    message: string,
    code: string | null = null,
  ) {
    if (response.sent) {
      return;
    }
    // An error page never goes anywhere, whatever a failed redirect had set.
    response.removeHeader('Location');
    this.pages.render(response, status, 'error', { title, message, code });
  }
}
