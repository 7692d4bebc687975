import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, httpAdapter } from './app.setup';
import { Env, InvalidEnvironmentError } from './config/env.validation';
import { loadEnvFile } from './config/load-env-file';

// SIGTERM (or SIGINT) drains: the listener closes (new connections are refused, idle keep-alive
// ones closed), the requests in flight finish, the database pool closes, and the process exits 0.
// Requests still running after this long are abandoned and the process exits 1.
const SHUTDOWN_TIMEOUT_MS = 10_000;

function exitOnSignals(app: NestFastifyApplication): void {
  const shutdown = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal}: draining\n`);
    setTimeout(() => {
      process.stderr.write(`requests still running after ${SHUTDOWN_TIMEOUT_MS} ms: exiting\n`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

async function bootstrap(): Promise<void> {
  loadEnvFile();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(), httpAdapter(), {
    bufferLogs: true,
  });
  await configureApp(app);
  exitOnSignals(app);
  const config = app.get<ConfigService<Env, true>>(ConfigService);
  // HOST: every interface (0.0.0.0) unless the operator names one, such as 127.0.0.1 behind a
  // reverse proxy on the same machine.
  await app.listen({
    port: config.get('PORT', { infer: true }),
    host: config.get('HOST', { infer: true }),
  });
}

bootstrap().catch((error: unknown) => {
  // A configuration problem is the operator's to fix: say what, without a stack trace.
  const message =
    error instanceof InvalidEnvironmentError
      ? error.message
      : `Portcullis failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
