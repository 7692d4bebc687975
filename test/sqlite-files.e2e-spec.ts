import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from './factories';
import { createTestApp, TestApp } from './helpers/test-app';

const mode = (path: string) => statSync(path).mode & 0o777;

// The SQLite file holds password hashes and sealed keys: only the server's user may read it. (An
// SQLite-only behaviour, run the same under either engine's project.)
describe('SQLite files', () => {
  let root: string;
  let t: TestApp;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'portcullis-files-'));
    const path = join(root, 'data', 'nested', 'portcullis.sqlite');
    t = await createTestApp({}, { engine: 'sqlite', url: `sqlite:${path}`, drop: async () => {} });
    await createUser(t.server).expect(201);
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('should create the data directory 0700', () => {
    expect(mode(join(root, 'data'))).toBe(0o700);
    expect(mode(join(root, 'data', 'nested'))).toBe(0o700);
  });

  it('should create the database, its WAL and its shared-memory file 0600', () => {
    for (const suffix of ['', '-wal', '-shm']) {
      expect(mode(join(root, 'data', 'nested', `portcullis.sqlite${suffix}`))).toBe(0o600);
    }
  });
});
