import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { Env, InvalidEnvironmentError } from './config/env.validation';
import { loadEnvFile } from './config/load-env-file';

async function bootstrap(): Promise<void> {
  loadEnvFile();
  const app = await NestFactory.create(AppModule.forRoot(), { bufferLogs: true });
  await configureApp(app);
  const config = app.get<ConfigService<Env, true>>(ConfigService);
  await app.listen(config.get('PORT', { infer: true }));
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
