import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, httpAdapter } from './app.setup';
import { Env, InvalidEnvironmentError } from './config/env.validation';
import { loadEnvFile } from './config/load-env-file';

async function bootstrap(): Promise<void> {
  loadEnvFile();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(), httpAdapter(), {
    bufferLogs: true,
  });
  await configureApp(app);
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
