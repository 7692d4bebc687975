import { DynamicModule, Global, Module } from '@nestjs/common';
import type { HttpLogger } from 'pino-http';
import { AppLogger, httpLogger } from './logger';

// The request logger, for configureApp to run on every request (a Fastify hook).
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');

// JSON logs (pino): the request logger, and AppLogger for Nest's and the application's messages,
// writing to the same destination.
@Global()
@Module({})
export class LoggingModule {
  static forRoot(level: string, destination: 1 | 2, secrets: string[]): DynamicModule {
    const requests = httpLogger(level, destination, secrets);
    return {
      module: LoggingModule,
      providers: [
        { provide: HTTP_LOGGER, useValue: requests },
        { provide: AppLogger, useValue: new AppLogger(requests.logger) },
      ],
      exports: [HTTP_LOGGER, AppLogger],
    };
  }
}

export type { HttpLogger };
