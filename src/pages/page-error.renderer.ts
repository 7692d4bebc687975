import { HttpException, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { classifyError } from '../common/error-classification';
import { HttpRequest, HttpResponse, seeOther } from '../common/http';
import { OAuthError } from '../common/oauth-error';
import { PageErrorRenderer } from '../common/page-error-renderer';
import { appendQuery } from '../common/redirect-query';
import { Env } from '../config/env.validation';
import { PageError, SIGN_IN_PATH, SignInRequired } from './page-error';
import { PagesService } from './pages.service';

// How the authorization endpoint and the hosted pages answer every failure:
// - a signed-out browser on a page for signed-in users is sent to sign in (303);
// - an OAuth error whose client and redirect URI are verified goes back to the client (303, RFC
//   6749 §4.1.2.1), with error, error_description, state and iss;
// - everything else is an error page, never a redirect: a page error as it says, an HTTP
//   exception of ours with its message, a database outage 503 (Retry-After), anything unexpected
//   a logged 500.
@Injectable()
export class PageErrors extends PageErrorRenderer {
  private readonly logger = new Logger(PageErrors.name);
  private readonly issuer: string;

  constructor(
    private readonly pages: PagesService,
    config: ConfigService<Env, true>,
  ) {
    super();
    this.issuer = config.get('ISSUER', { infer: true });
  }

  render(exception: unknown, _request: HttpRequest, response: HttpResponse): void {
    try {
      this.respond(exception, response);
    } catch (again) {
      // Answering failed too: the connection is cut. Never a rejection left unhandled, which
      // would end the process.
      this.logger.error(again instanceof Error ? (again.stack ?? again.message) : String(again));
      response.raw.destroy();
    }
  }

  private respond(exception: unknown, response: HttpResponse): void {
    if (exception instanceof SignInRequired) {
      seeOther(response, SIGN_IN_PATH);
    } else if (exception instanceof PageError) {
      this.page(response, exception.status, exception.title, exception.message, exception.code);
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      this.page(response, exception.getStatus(), 'Request refused', exception.message);
    } else {
      this.oauthError(classifyError(exception), response);
    }
  }

  private oauthError(error: OAuthError, response: HttpResponse): void {
    if (error.redirect) {
      const { redirectUri, state } = error.redirect;
      seeOther(
        response,
        appendQuery(redirectUri, {
          error: error.code,
          error_description: error.description,
          state,
          iss: this.issuer,
        }),
      );
      return;
    }
    if (error.retryAfterSeconds !== undefined) {
      response.header('Retry-After', String(error.retryAfterSeconds));
    }
    const [title, message] = PAGE_TEXT[error.code] ?? [
      'This application sent an invalid request',
      error.description,
    ];
    this.page(response, error.status, title, message, error.code);
  }

  private page(
    response: HttpResponse,
    status: number,
    title: string,
    message: string,
    code: string | null = null,
  ): void {
    if (response.sent) {
      return;
    }
    // An error page never goes anywhere, whatever a failed redirect had set.
    response.removeHeader('Location');
    this.pages.render(response, status, 'error', { title, message, code });
  }
}

// Failures of the server itself, told to the person without details.
const PAGE_TEXT: Partial<Record<OAuthError['code'], [string, string]>> = {
  temporarily_unavailable: ['Service unavailable', 'Please try again in a moment.'],
  server_error: ['Something went wrong', 'Please try again in a moment.'],
};
