import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createClient } from './factories';
import { createTestApp, TestApp } from './helpers/test-app';

// Another process holding SQLite's write lock (the CLI, say) makes the server's writes wait, but
// not the server: what needs no lock is answered meanwhile. (An SQLite-only behaviour, run the same
// under either engine's project.)
describe('SQLite: a write lock held by another process', () => {
  let root: string;
  let path: string;
  let t: TestApp;
  let holder: Database.Database;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'portcullis-busy-'));
    path = join(root, 'portcullis.sqlite');
    t = await createTestApp({}, { engine: 'sqlite', url: `sqlite:${path}`, drop: async () => {} });
    holder = new Database(path);
  });
  afterAll(async () => {
    holder.close();
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('should answer /health/live while a write waits for the lock, then finish the write', async () => {
    const answered: string[] = [];
    holder.exec('BEGIN IMMEDIATE');
    const writing = createClient(t.server).then((res) => {
      answered.push('write');
      return res;
    });
    await pause(300);
    await request(t.server).get('/health/live').expect(200);
    answered.push('health');
    holder.exec('COMMIT');
    const written = await writing;
    expect(written.status).toBe(201);
    expect(answered).toEqual(['health', 'write']);
  });

  it('should answer 503 with Retry-After when the lock is held past the busy deadline', async () => {
    holder.exec('BEGIN IMMEDIATE');
    try {
      const writing = createClient(t.server);
      await pause(300);
      await request(t.server).get('/health/live').expect(200);
      const res = await writing;
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'try again shortly',
      });
    } finally {
      holder.exec('ROLLBACK');
    }
    await createClient(t.server).expect(201);
  }, 15000);
});
