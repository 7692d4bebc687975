import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDevelopmentSecrets, secretsFromDevelopmentFile } from './development-secrets';

describe('loadDevelopmentSecrets', () => {
  let dir: string;
  let file: string;
  const NAMES = ['ADMIN_API_KEY', 'SESSION_SECRET', 'SIGNING_KEYS_SECRET'];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-secrets-'));
    file = join(dir, 'data', 'development-secrets.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should write the missing secrets on the first start and read the same ones afterwards', () => {
    const first: NodeJS.ProcessEnv = {};
    loadDevelopmentSecrets(first, file);
    expect(Object.keys(first).sort()).toEqual(NAMES);
    expect(first.ADMIN_API_KEY).toMatch(/^[\w-]{43}$/);
    expect(secretsFromDevelopmentFile()).toEqual(NAMES);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second: NodeJS.ProcessEnv = { NODE_ENV: 'development' };
    loadDevelopmentSecrets(second, file);
    expect(second).toEqual({ ...first, NODE_ENV: 'development' });
  });

  it('should keep the file to its owner: the folder 0700, and a looser file made 0600 again', () => {
    loadDevelopmentSecrets({}, file);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    chmodSync(file, 0o644);
    const env: NodeJS.ProcessEnv = {};
    loadDevelopmentSecrets(env, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Object.keys(env).sort()).toEqual(NAMES);
  });

  it('should leave a secret set in the environment alone, and not store it', () => {
    const env: NodeJS.ProcessEnv = { ADMIN_API_KEY: 'set-by-the-operator-0123456789abcdef' };
    loadDevelopmentSecrets(env, file);
    expect(env.ADMIN_API_KEY).toBe('set-by-the-operator-0123456789abcdef');
    expect(secretsFromDevelopmentFile()).toEqual(['SESSION_SECRET', 'SIGNING_KEYS_SECRET']);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object).sort()).toEqual([
      'SESSION_SECRET',
      'SIGNING_KEYS_SECRET',
    ]);
  });

  it.each(['production', 'test'])(
    'should never read or write the file when NODE_ENV=%s',
    (nodeEnv) => {
      const env: NodeJS.ProcessEnv = { NODE_ENV: nodeEnv };
      loadDevelopmentSecrets(env, file);
      expect(env).toEqual({ NODE_ENV: nodeEnv });
      expect(() => statSync(file)).toThrow();
    },
  );

  it('should leave the secrets unset (generated per process) when the file cannot be written', () => {
    writeFileSync(join(dir, 'data'), 'a file, not a directory');
    const env: NodeJS.ProcessEnv = {};
    loadDevelopmentSecrets(env, file);
    expect(env).toEqual({});
  });

  it('should refuse a file that is not what it writes, naming the file', () => {
    loadDevelopmentSecrets({}, file);
    writeFileSync(file, '["not", "an object"]');
    expect(() => loadDevelopmentSecrets({}, file)).toThrow(
      `${file}: is not the JSON object of development secrets this server writes; delete it to start with new ones`,
    );
  });
});
