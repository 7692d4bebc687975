import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { AppModule, validateAppEnv } from '../../src/app.module';
import { configureApp, httpAdapter } from '../../src/app.setup';
import { createTestDatabase, TestDatabase } from './test-database';

export const ADMIN_API_KEY = 'test-admin-key-0123456789abcdef0123456789';
export const SIGNING_KEYS_SECRET = 'test-signing-keys-secret-0123456789abcdef';

const STARTING_ENV = { ...process.env };

export type TestApp = {
  app: NestFastifyApplication;
  server: App;
  dataSource: DataSource;
  database: TestDatabase;
  close: () => Promise<void>;
};

// Boots the real AppModule, configured as main.ts does, against a fresh database (or the given one,
// to restart on it) with migrations applied. close() stops the app and drops the database.
export async function createTestApp(
  env: Record<string, string> = {},
  existing?: TestDatabase,
): Promise<TestApp> {
  const database = existing ?? (await createTestDatabase());
  // From the environment the test file started with: one test's overrides never reach the next.
  process.env = {
    ...STARTING_ENV,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ADMIN_API_KEY,
    SESSION_SECRET: 'test-session-secret-0123456789abcdef012345',
    SIGNING_KEYS_SECRET,
    DATABASE_URL: database.url,
    ...env,
  };
  const validated = validateAppEnv();
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot({ env: validated })],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(httpAdapter(validated), {
    logger: false,
  });
  try {
    await configureApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    // A start refused by the app (a secret that cannot open the signing key) must not leave its
    // database connections open.
    await app.close();
    throw error;
  }
  return {
    app,
    server: app.getHttpServer(),
    dataSource: app.get(DataSource),
    database,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

export const adminAuth = { Authorization: `Bearer ${ADMIN_API_KEY}` };
