import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { isDatabaseUnavailable, UNAVAILABLE_RETRY_AFTER_SECONDS } from './database-errors';

// Global last resort: a database that cannot answer is 503 with Retry-After (the client may try
// again), never a 500 or a success. Everything else keeps Nest's handling: HttpExceptions as they
// are, unknown errors as a logged 500 without details.
@Catch()
export class DatabaseUnavailableFilter extends BaseExceptionFilter {
  private readonly logger = new Logger(DatabaseUnavailableFilter.name);

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (!isDatabaseUnavailable(exception)) {
      super.catch(exception, host);
      return;
    }
    this.logger.warn(`database unavailable: ${(exception as Error).message}`);
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(503)
      .set('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS))
      .json({ statusCode: 503, error: 'Service Unavailable', message: 'Try again shortly' });
  }
}
