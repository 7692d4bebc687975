import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeProtectedHeader, JWK } from 'jose';
import request from 'supertest';
import { SigningKey } from '../src/tokens/signing-keys/signing-key.entity';
import { createUser } from './factories';
import {
  callMe,
  ClientCredentials,
  clientPost,
  passwordTokens,
  registerTrustedClient,
  expectInvalidToken,
} from './helpers/oauth';
import { runCli, startServer, startServerIn } from './helpers/processes';
import { ADMIN_API_KEY, createTestApp, TestApp } from './helpers/test-app';

const SPA_ORIGIN = 'https://spa.example.com';
const OTHER_SECRET = 'another-signing-keys-secret-0123456789abcdef';

type KeyView = {
  kid: string;
  alg: string;
  status: string;
  created_at: string;
  deactivated_at: string | null;
  publish_until: string | null;
};

const jwksOf = async (t: TestApp) =>
  (await request(t.server).get('/oauth/jwks').expect(200)).body as { keys: JWK[] };
const kidOf = (token: string) => decodeProtectedHeader(token).kid;

describe('signing keys: GET /oauth/jwks and keys:rotate', () => {
  let t: TestApp;
  let client: ClientCredentials;

  beforeAll(async () => {
    t = await createTestApp();
    await createUser(t.server, { username: 'alice' }).expect(201);
    client = await registerTrustedClient(t.server, {
      access_token_format: 'jwt',
      allowed_origins: [SPA_ORIGIN],
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('should publish the key created at first start: public half only, with kid, alg and use', async () => {
    const res = await request(t.server).get('/oauth/jwks');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.body).toEqual({
      keys: [
        {
          kty: 'EC',
          crv: 'P-256',
          x: expect.stringMatching(/^[\w-]{43}$/),
          y: expect.stringMatching(/^[\w-]{43}$/),
          kid: expect.any(String),
          alg: 'ES256',
          use: 'sig',
        },
      ],
    });
    const [key] = res.body.keys as JWK[];
    // The kid is the key's RFC 7638 thumbprint, so it can never name another key.
    expect(key.kid).toBe(await calculateJwkThumbprint(key));
  });

  it('should store the private key sealed, never in the clear', async () => {
    const [row] = await t.dataSource.getRepository(SigningKey).find();
    expect(row.privateKeyEncrypted).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(row.privateKeyEncrypted).not.toContain('PRIVATE KEY');
    expect(JSON.parse(row.publicJwk)).not.toHaveProperty('d');
  });

  it('should allow CORS on the JWK Set for a listed client origin only', async () => {
    const allowed = await request(t.server).get('/oauth/jwks').set('Origin', SPA_ORIGIN);
    expect(allowed.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    const other = await request(t.server)
      .get('/oauth/jwks')
      .set('Origin', 'https://evil.example.com');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('should rotate from the CLI: new tokens use the new key, and tokens of both keys verify', async () => {
    const before = await passwordTokens(t.server, client);
    const [oldKey] = (await jwksOf(t)).keys;

    const rotatedAt = Date.now();
    const result = await runCli(['keys:rotate', '--alg', 'RS256'], t.database.url);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const { active, retiring } = JSON.parse(result.stdout) as {
      active: KeyView;
      retiring: KeyView[];
    };
    expect(active).toEqual({
      kid: expect.any(String),
      alg: 'RS256',
      status: 'active',
      created_at: expect.any(String),
      deactivated_at: null,
      publish_until: null,
    });
    expect(retiring).toEqual([
      {
        kid: oldKey.kid,
        alg: 'ES256',
        status: 'retiring',
        created_at: expect.any(String),
        deactivated_at: expect.any(String),
        publish_until: expect.any(String),
      },
    ]);
    // Published for the access token lifetime (3600 s) plus a minute's margin.
    const publishFor = Date.parse(retiring[0].publish_until!) - rotatedAt;
    expect(publishFor).toBeGreaterThan(3650_000);
    expect(publishFor).toBeLessThan(3670_000);

    // This server signs with the new key at once, and still accepts the old key's tokens.
    const after = await passwordTokens(t.server, client);
    expect(kidOf(before.access_token)).toBe(oldKey.kid);
    expect(kidOf(after.access_token)).toBe(active.kid);
    expect(decodeProtectedHeader(after.access_token).alg).toBe('RS256');
    await callMe(t.server, before.access_token).expect(200);
    await callMe(t.server, after.access_token).expect(200);
    for (const token of [before.access_token, after.access_token]) {
      const res = await clientPost(t.server, '/oauth/introspect', client, { token });
      expect(res.body.active).toBe(true);
    }
    const { keys } = await jwksOf(t);
    expect(keys).toEqual([
      {
        kty: 'RSA',
        n: expect.stringMatching(/^[\w-]{342}$/),
        e: 'AQAB',
        kid: active.kid,
        alg: 'RS256',
        use: 'sig',
      },
      oldKey,
    ]);

    const listed = await runCli(['keys:list'], t.database.url);
    expect(listed.status).toBe(0);
    expect(
      (JSON.parse(listed.stdout) as KeyView[]).map(({ kid, status }) => ({ kid, status })),
    ).toEqual([
      { kid: active.kid, status: 'active' },
      { kid: oldKey.kid, status: 'retiring' },
    ]);
  });

  it('should keep the algorithm of the active key when --alg is not given', async () => {
    const result = await runCli(['keys:rotate'], t.database.url);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).active.alg).toBe('RS256');
  });

  it('should refuse an algorithm it does not sign with', async () => {
    const result = await runCli(['keys:rotate', '--alg', 'HS256'], t.database.url);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('alg: must be one of ES256, RS256\n');
  });
});

describe('signing keys: retirement and the SIGNING_KEYS_SECRET', () => {
  it('should stop publishing and accepting a key once its tokens have all expired', async () => {
    const first = await createTestApp();
    await createUser(first.server, { username: 'alice' }).expect(201);
    const client = await registerTrustedClient(first.server, { access_token_format: 'jwt' });
    const old = await passwordTokens(first.server, client);
    await runCli(['keys:rotate'], first.database.url);
    await first.app.close();

    // Time passes: the old key's publication ends. A restarted instance has no key cached.
    const second = await createTestApp({}, first.database);
    try {
      const hours = (n: number) => new Date(Date.now() - n * 3600_000);
      await second.dataSource
        .getRepository(SigningKey)
        .update(
          { kid: kidOf(old.access_token) },
          { deactivatedAt: hours(2), publishUntil: hours(1) },
        );
      const { keys: published } = await jwksOf(second);
      expect(published.map(({ kid }) => kid)).not.toContain(kidOf(old.access_token));
      expect(published).toHaveLength(1);
      expectInvalidToken(await callMe(second.server, old.access_token));
      // The retired key is kept (its kid is never given to another key), only no longer trusted.
      await expect(second.dataSource.getRepository(SigningKey).count()).resolves.toBe(2);
    } finally {
      await second.close();
    }
  });

  it('should refuse to start with a secret that cannot open the active key, and start after keys:rotate --new-secret', async () => {
    const first = await createTestApp();
    const [original] = (await jwksOf(first)).keys;
    await first.app.close();
    const withOtherSecret = { env: { SIGNING_KEYS_SECRET: OTHER_SECRET } };
    try {
      await expect(
        createTestApp({ SIGNING_KEYS_SECRET: OTHER_SECRET }, first.database),
      ).rejects.toThrow(
        `SIGNING_KEYS_SECRET: does not open the active signing key ${original.kid}; set the secret it was sealed with, or start a new key sealed with this one: \`npm run cli -- keys:rotate --new-secret\``,
      );
      // A rotation with another secret than the servers' would stop them signing: refused unless
      // the operator says the servers have moved to it.
      const refused = await runCli(['keys:rotate'], first.database.url, withOtherSecret);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toBe(
        'Invalid configuration:\n  - SIGNING_KEYS_SECRET: does not open the active signing key; if the servers now use this secret, pass --new-secret\n',
      );
      const rotated = await runCli(
        ['keys:rotate', '--new-secret'],
        first.database.url,
        withOtherSecret,
      );
      expect(rotated.status).toBe(0);
      const server = await startServer(first.database.url, { SIGNING_KEYS_SECRET: OTHER_SECRET });
      await server.stop();
    } finally {
      await first.database.drop();
    }
  });

  it('should refuse keys:rotate without a configured secret', async () => {
    const first = await createTestApp();
    await first.app.close();
    try {
      const result = await runCli(['keys:rotate'], first.database.url, {
        env: { SIGNING_KEYS_SECRET: '' },
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        "Invalid configuration:\n  - SIGNING_KEYS_SECRET: must be set to the servers' secret (a key sealed with a generated one could not be used)\n",
      );
      const listed = await runCli(['keys:list'], first.database.url);
      expect(JSON.parse(listed.stdout)).toHaveLength(1);
    } finally {
      await first.database.drop();
    }
  });

  it('should print the problem and exit when the server cannot open the active key', async () => {
    const first = await createTestApp();
    await first.app.close();
    try {
      await expect(
        startServer(first.database.url, { SIGNING_KEYS_SECRET: OTHER_SECRET }),
      ).rejects.toThrow(/SIGNING_KEYS_SECRET: does not open the active signing key/);
    } finally {
      await first.database.drop();
    }
  });

  // In development, in a fresh working directory: SIGNING_KEYS_SECRET comes from the development
  // file (`file`), or, when ./data cannot be written, is generated for the process (`generated`).
  it.each([
    {
      source: 'file',
      warning:
        'SIGNING_KEYS_SECRET not set: using the development values in ./data/development-secrets.json',
    },
    {
      source: 'generated',
      warning: 'SIGNING_KEYS_SECRET is not set: generated a random one for this process',
    },
  ])(
    'should start a new key, with a warning, when a development secret ($source) does not open it',
    async ({ source, warning }) => {
      const first = await createTestApp();
      const [original] = (await jwksOf(first)).keys;
      await first.app.close();
      const dir = mkdtempSync(join(tmpdir(), 'portcullis-dev-'));
      if (source === 'generated') {
        writeFileSync(join(dir, 'data'), 'a file where the data directory would be');
      }
      const server = await startServerIn(dir, {
        DATABASE_URL: first.database.url,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        ADMIN_API_KEY,
        SESSION_SECRET: 'test-session-secret-0123456789abcdef012345',
      });
      try {
        const { keys } = (await (await fetch(`${server.baseUrl}/oauth/jwks`)).json()) as {
          keys: JWK[];
        };
        expect(keys).toHaveLength(2);
        expect(keys[1].kid).toBe(original.kid);
        expect(server.output()).toContain(warning);
        expect(server.output()).toContain(
          `The active signing key ${original.kid} was sealed with another process's generated SIGNING_KEYS_SECRET: signing with new key ${keys[0].kid}`,
        );
      } finally {
        await server.stop();
        await first.database.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
