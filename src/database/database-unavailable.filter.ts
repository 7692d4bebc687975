import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { HttpRequest, HttpResponse } from '../common/http';
import { OAuthErrorFilter } from '../common/oauth-error.filter';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from './database-errors';

// Endpoints whose every answer is RFC 6749 §5.2 JSON, even for failures raised before their
// controller runs (a body the parser refuses, a CORS lookup that hits a database outage).
const OAUTH_JSON_ENDPOINTS = new Set(['/oauth/token', '/oauth/revoke', '/oauth/introspect']);

// Global last resort: a database that cannot answer is 503 with Retry-After (the client may try
// again), never a 500 or a success. Everything else keeps Nest's handling: HttpExceptions as they
// are, unknown errors as a logged 500 without details.
@Catch()
export class DatabaseUnavailableFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(DatabaseUnavailableFilter.name);
  private readonly oauthErrors = new OAuthErrorFilter();

  override catch(exception: unknown, host: ArgumentsHost): void {
    // The route Fastify matched, however the path was spelled (`/oauth/%74oken` is the token
    // endpoint); undefined when none matched.
    const route = host.switchToHttp().getRequest<HttpRequest>().routeOptions.url;
    if (route !== undefined && OAUTH_JSON_ENDPOINTS.has(route)) {
      this.oauthErrors.catch(exception, host);
      return;
    }
    if (!isDatabaseUnavailable(exception)) {
      super.catch(exception, host);
      return;
    }
    this.logger.warn(`database unavailable: ${(exception as Error).message}`);
    host
      .switchToHttp()
      .getResponse<HttpResponse>()
      .status(503)
      .header('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
      .send({ statusCode: 503, error: 'Service Unavailable', message: 'Try again shortly' });
  }
}
