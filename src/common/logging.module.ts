import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppLogger, requestLogger, rootLogger } from './logger';

// The request logger, for configureApp to run on every request (a Fastify hook).
export const REQUEST_LOGGER = Symbol('REQUEST_LOGGER');

// JSON logs (pino): the request lines, and AppLogger for Nest's and the application's messages,
// through one logger to one destination.
@Global()
@Module({})
export class LoggingModule {
  static forRoot(level: string, destination: 1 | 2, secrets: string[]): DynamicModule {
    const logger = rootLogger(level, destination);
    return {
      module: LoggingModule,
      providers: [
        { provide: REQUEST_LOGGER, useValue: requestLogger(logger, secrets) },
        { provide: AppLogger, useValue: new AppLogger(logger) },
      ],
      exports: [REQUEST_LOGGER, AppLogger],
    };
  }
}
