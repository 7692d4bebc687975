import 'reflect-metadata';
import { loadEnvFile } from '../config/load-env-file';
import { loadDevelopmentSecrets } from '../config/development-secrets';
import { validateEnv } from '../config/env.validation';
import { createDataSource } from './data-source';
import { runPendingMigrations } from './migrations-runner';

// `npm run migration:run`: applies pending migrations and exits. Running it twice is a no-op.
async function main(): Promise<void> {
  loadEnvFile();
  loadDevelopmentSecrets();
  const env = validateEnv(process.env);
  const dataSource = createDataSource(env.DATABASE);
  await dataSource.initialize();
  try {
    const applied = await runPendingMigrations(dataSource);
    const names = applied.map((migration) => migration.name);
    process.stdout.write(
      names.length ? `Applied migrations: ${names.join(', ')}\n` : 'No pending migrations.\n',
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
