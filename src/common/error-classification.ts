import { HttpException, Logger } from '@nestjs/common';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from './database-errors';
import { OAuthError } from './oauth-error';

const logger = new Logger('Errors');

// Every failure as an OAuthError, decided once for every kind of route:
// - an OAuthError is what it says;
// - a database that cannot answer is 503 temporarily_unavailable with Retry-After (the client may
//   try again; never a success that was not stored);
// - a 4xx raised before our code looked at the request (a body too large, malformed JSON) is
//   invalid_request with that status, its message dropped (it may quote the input);
// - anything else is a 500 server_error that reveals nothing, logged with its stack.
export function classifyError(exception: unknown): OAuthError {
  if (exception instanceof OAuthError) {
    return exception;
  }
  if (isDatabaseUnavailable(exception)) {
    logger.warn(`database unavailable: ${(exception as Error).message}`);
    return new OAuthError('temporarily_unavailable', 'try again shortly', 503, {
      retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
    });
  }
  const status = clientErrorStatus(exception);
  if (status !== undefined) {
    return new OAuthError('invalid_request', 'the request is malformed', status);
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : exception);
  return new OAuthError('server_error', 'an unexpected error occurred', 500);
}

// A 4xx raised by Nest (HttpException) or by Fastify before the route (a FastifyError with a
// statusCode, such as 413 for a body too large or 400 for malformed JSON).
export function clientErrorStatus(exception: unknown): number | undefined {
  const status =
    exception instanceof HttpException
      ? exception.getStatus()
      : (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
