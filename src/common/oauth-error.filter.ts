import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { HttpResponse } from './http';
import {
  isDatabaseUnavailable,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from '../database/database-errors';
import { OAuthError } from './oauth-error';

export const CLIENT_AUTH_CHALLENGE = 'Basic realm="portcullis"';

// The token, revocation and introspection endpoints answer every failure as RFC 6749 §5.2 JSON,
// never cached. invalid_client is 401 with a Basic challenge (RFC 7235 §3.1 requires one on every
// 401). A database that cannot answer is 503 temporarily_unavailable; anything unexpected is a
// logged 500 server_error that reveals nothing.
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(OAuthErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const error = this.toOAuthError(exception);
    const response = host.switchToHttp().getResponse<HttpResponse>();
    response.status(error.status).headers({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    if (error.code === 'invalid_client') {
      response.header('WWW-Authenticate', CLIENT_AUTH_CHALLENGE);
    }
    if (error.retryAfterSeconds !== undefined) {
      response.header('Retry-After', String(error.retryAfterSeconds));
    }
    response.send(error.toResponseBody());
  }

  private toOAuthError(exception: unknown): OAuthError {
    if (exception instanceof OAuthError) {
      return exception;
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${(exception as Error).message}`);
      return new OAuthError('temporarily_unavailable', 'try again shortly', 503, {
        retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
      });
    }
    const clientErrorStatus = statusOfClientError(exception);
    if (clientErrorStatus !== undefined) {
      // Raised before our code looked at the request (a body too large, say).
      return new OAuthError('invalid_request', 'the request is malformed', clientErrorStatus);
    }
    this.logger.error(exception);
    return new OAuthError('server_error', 'an unexpected error occurred', 500);
  }
}

// A 4xx raised by Nest (HttpException) or by Fastify before the route (a FastifyError with a
// statusCode, such as 413 for a body too large or 400 for malformed JSON). Its message may quote
// the input, so only the status is kept.
function statusOfClientError(exception: unknown): number | undefined {
  const status =
    exception instanceof HttpException
      ? exception.getStatus()
      : (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
