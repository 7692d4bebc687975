import { createServer } from 'node:net';
import { createUser, STRONG_PASSWORD } from './factories';
import {
  ClientCredentials,
  exchangeCode,
  expectOAuthError,
  obtainCode,
  registerClient,
  tokenRequest,
} from './helpers/oauth';
import { createTestApp, TestApp } from './helpers/test-app';

const LIMIT = 3;
const OVER_LIMIT = 'too many token requests for this client';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const machineClient = (t: TestApp) =>
  registerClient(t.server, { redirect_uris: [], grant_types: ['client_credentials', 'password'] });
const clientCredentials = (t: TestApp, client: ClientCredentials) =>
  tokenRequest(t.server, client, { grant_type: 'client_credentials' });
const passwordGrant = (t: TestApp, client: ClientCredentials) =>
  tokenRequest(t.server, client, {
    grant_type: 'password',
    username: 'alice',
    password: STRONG_PASSWORD,
  });

async function useUpBudget(t: TestApp, client: ClientCredentials, count = LIMIT) {
  for (let i = 0; i < count; i++) {
    await clientCredentials(t, client).expect(200);
  }
}

function expectOverLimit(res: { status: number; headers: Record<string, string>; body: unknown }) {
  expectOAuthError(res, 429, 'temporarily_unavailable', OVER_LIMIT);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
}

// Per-client limits on the token endpoint for client_credentials and password grants.
describe('token endpoint rate limit (database)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ TOKEN_RATE_LIMIT: String(LIMIT), TOKEN_RATE_LIMIT_WINDOW: '60' });
    await createUser(t.server).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer 429 with Retry-After when the client passes its limit', async () => {
    const client = await machineClient(t);
    await useUpBudget(t, client);
    const res = await clientCredentials(t, client);
    expectOverLimit(res);
  });

  it('should not limit another client when one is over its limit', async () => {
    const client = await machineClient(t);
    const other = await machineClient(t);
    await useUpBudget(t, client);
    await clientCredentials(t, client).expect(429);
    await clientCredentials(t, other).expect(200);
  });

  it('should count the password grant when the client uses it', async () => {
    const client = await machineClient(t);
    await useUpBudget(t, client, LIMIT - 1);
    await passwordGrant(t, client).expect(200);
    expectOverLimit(await passwordGrant(t, client));
  });

  it('should not count a request when client authentication fails', async () => {
    const client = await machineClient(t);
    for (let i = 0; i < LIMIT + 2; i++) {
      await clientCredentials(t, { id: client.id, secret: 'wrong' }).expect(401);
    }
    await useUpBudget(t, client);
  });

  it('should not count the refresh_token grant when the client refreshes', async () => {
    const client2 = await registerClient(t.server, {
      redirect_uris: [],
      grant_types: ['password', 'refresh_token'],
      scope: 'offline_access',
    });
    const first = await passwordGrant(t, client2).expect(200);
    let refreshToken = (first.body as { refresh_token: string }).refresh_token;
    expect(refreshToken).toEqual(expect.any(String));
    for (let i = 0; i < LIMIT + 1; i++) {
      const res = await tokenRequest(t.server, client2, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      }).expect(200);
      refreshToken = (res.body as { refresh_token: string }).refresh_token;
    }
    await passwordGrant(t, client2).expect(200);
  });

  it('should not count the authorization_code grant', async () => {
    const webApp = await registerClient(t.server, {
      skip_consent: true,
      grant_types: ['authorization_code', 'password'],
    });
    for (let i = 0; i < LIMIT + 1; i++) {
      const issued = await obtainCode(t.server, { clientId: webApp.id });
      await exchangeCode(t.server, webApp, issued).expect(200);
    }
    await passwordGrant(t, webApp).expect(200);
  });

  it('should share the count when two instances use one database', async () => {
    const second = await createTestApp(
      { TOKEN_RATE_LIMIT: String(LIMIT), TOKEN_RATE_LIMIT_WINDOW: '60' },
      t.database,
    );
    try {
      const client = await machineClient(t);
      await clientCredentials(t, client).expect(200);
      await clientCredentials(second, client).expect(200);
      await clientCredentials(t, client).expect(200);
      expectOverLimit(await clientCredentials(second, client));
    } finally {
      await second.app.close();
    }
  });
});

describe('token endpoint rate limit window', () => {
  it('should let the client in again when the window resets', async () => {
    const t = await createTestApp({ TOKEN_RATE_LIMIT: '1', TOKEN_RATE_LIMIT_WINDOW: '1' });
    try {
      const client = await machineClient(t);
      // Start at the beginning of a window so the two requests share it.
      await sleep(1000 - (Date.now() % 1000));
      await clientCredentials(t, client).expect(200);
      const res = await clientCredentials(t, client);
      expectOAuthError(res, 429, 'temporarily_unavailable', OVER_LIMIT);
      expect(res.headers['retry-after']).toBe('1');
      await sleep(1100);
      await clientCredentials(t, client).expect(200);
    } finally {
      await t.close();
    }
  });
});

const redisUrl = process.env.TEST_REDIS_URL;
(redisUrl ? describe : describe.skip)('token endpoint rate limit (Redis)', () => {
  it('should share the count through Redis when two instances use it', async () => {
    const env = { TOKEN_RATE_LIMIT: String(LIMIT), REDIS_URL: redisUrl as string };
    const t = await createTestApp(env);
    const second = await createTestApp(env, t.database);
    try {
      const client = await machineClient(t);
      await clientCredentials(t, client).expect(200);
      await clientCredentials(second, client).expect(200);
      await clientCredentials(t, client).expect(200);
      expectOverLimit(await clientCredentials(second, client));
    } finally {
      await second.app.close();
      await t.close();
    }
  });
});

describe('token endpoint rate limit (Redis down)', () => {
  it('should answer 503 with Retry-After 5 when Redis cannot be reached', async () => {
    const port = await closedPort();
    const t = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const client = await machineClient(t);
      const res = await clientCredentials(t, client);
      expectOAuthError(res, 503, 'temporarily_unavailable', 'the rate limit store is unavailable');
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      await t.close();
    }
  });
});

// A port nothing listens on: bound, then released.
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
