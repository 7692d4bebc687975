import request from 'supertest';
import { createTestApp, adminAuth } from './helpers/test-app';
import { createUser } from './factories';
import { createDataSource } from '../src/database/data-source';
import { runPendingMigrations } from '../src/database/migrations-runner';
import { validateEnv } from '../src/config/env.validation';

describe('persistence and migrations', () => {
  it('should keep data across a restart and find no pending migration when run again', async () => {
    const first = await createTestApp();
    const { body: user } = await createUser(first.server, { username: 'persisted' }).expect(201);
    await first.app.close();

    const second = await createTestApp({}, first.database);
    try {
      await request(second.server).get(`/admin/users/${user.id}`).set(adminAuth).expect(200, user);
      const dataSource = createDataSource(
        validateEnv({ DATABASE_URL: first.database.url }).DATABASE,
      );
      await dataSource.initialize();
      await expect(runPendingMigrations(dataSource)).resolves.toEqual([]);
      await dataSource.destroy();
    } finally {
      await second.close();
    }
  });
});
