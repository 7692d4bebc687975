import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppModule, validateAppEnv } from './app.module';
import { configureApp, httpAdapter } from './app.setup';
import {
  DEVELOPMENT_SECRETS_FILE,
  loadDevelopmentSecrets,
  secretsFromDevelopmentFile,
} from './config/development-secrets';
import { Env, InvalidEnvironmentError } from './config/env.validation';
import { loadEnvFile } from './config/load-env-file';
import { describeDatabase } from './database/database-description';
import { packageRoot } from './pages/pages.service';

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
  loadDevelopmentSecrets();
  const env = validateAppEnv();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ env }),
    httpAdapter(env),
    { bufferLogs: true },
  );
  await configureApp(app);
  exitOnSignals(app);
  const config = app.get<ConfigService<Env, true>>(ConfigService);
  const port = config.get('PORT', { infer: true });
  // HOST: every interface (0.0.0.0) unless the operator names one, such as 127.0.0.1 behind a
  // reverse proxy on the same machine.
  const host = config.get('HOST', { infer: true });
  await app.listen({ port, host });
  const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  const database = await describeDatabase(
    app.get(DataSource),
    config.get('DATABASE', { infer: true }),
  );
  new Logger('Portcullis').log(
    `Portcullis ${version} listening on http://${host}:${port} (issuer ${config.get('ISSUER', { infer: true })}), ` +
      `database ${database}`,
  );
  announceDevelopmentAdminKey(config);
}

// The admin API is unusable until one knows the key: a development key (not set by the operator)
// is shown once, on the terminal, and never written to the JSON logs.
function announceDevelopmentAdminKey(config: ConfigService<Env, true>): void {
  const generated = config.get('GENERATED_SECRETS', { infer: true }).includes('ADMIN_API_KEY');
  if (!generated && !secretsFromDevelopmentFile().includes('ADMIN_API_KEY')) {
    return;
  }
  const where = generated
    ? 'generated for this process only'
    : `kept in ${DEVELOPMENT_SECRETS_FILE}`;
  process.stderr.write(
    `WARNING: development admin API key (${where}; set ADMIN_API_KEY in production):\n` +
      `  Authorization: Bearer ${config.get('ADMIN_API_KEY', { infer: true })}\n`,
  );
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
