import { createTestDatabase, TestDatabase } from './helpers/test-database';
import { ServerProcess, startServer } from './helpers/processes';
import { ADMIN_API_KEY } from './helpers/test-app';
import { STRONG_PASSWORD } from './factories';

// Runs the real server with request logging on and checks that what it writes carries no secret.
describe('logs', () => {
  let database: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startServer(database.url, { LOG_LEVEL: 'debug' });
  });

  afterAll(async () => {
    await server?.stop();
    await database.drop();
  });

  function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    return fetch(`${server.baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${ADMIN_API_KEY}`,
        'Content-Type': 'application/json',
        Cookie: 'sid=cookie-secret-value',
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  it('should write JSON request logs without credentials, passwords, client secrets or query secrets', async () => {
    const created = await call('POST', '/admin/clients', {
      client_name: 'Logged',
      redirect_uris: ['https://logged.example.com/cb'],
    });
    expect(created.status).toBe(201);
    const { client_id: clientId, client_secret: firstSecret } = (await created.json()) as Record<
      string,
      string
    >;
    const rotated = await call('POST', `/admin/clients/${clientId}/secret`);
    expect(rotated.status).toBe(200);
    const { client_secret: secondSecret } = (await rotated.json()) as Record<string, string>;
    expect(
      (await call('POST', '/admin/users', { username: 'logged', password: STRONG_PASSWORD }))
        .status,
    ).toBe(201);
    expect(
      (
        await call(
          'GET',
          '/health/live?access_token=query-token-value&code=query-code-value&verbose=1',
        )
      ).status,
    ).toBe(200);
    expect(
      (await call('GET', '/admin/users', undefined, { Authorization: 'Bearer wrong-key-value' }))
        .status,
    ).toBe(401);
    // The admin key in a query string, and a password put in `state`: neither is logged.
    expect((await call('GET', `/admin/users?key=${ADMIN_API_KEY}&offset=0`)).status).toBe(400);
    expect(
      (await call('GET', `/health/live?state=${encodeURIComponent(ADMIN_API_KEY)}`)).status,
    ).toBe(200);

    // The hosted login and an authorization response: the password, the session cookie and the
    // code in the Location header stay out of the logs.
    const { client_id: firstParty } = (await (
      await call('POST', '/admin/clients', {
        client_name: 'First party',
        redirect_uris: ['https://logged.example.com/cb'],
        skip_consent: true,
      })
    ).json()) as Record<string, string>;
    const loginPage = await fetch(`${server.baseUrl}/login`);
    const sessionCookie = (loginPage.headers.get('set-cookie') ?? '').split(';')[0];
    const csrfToken = /name="csrf_token" value="([^"]+)"/.exec(await loginPage.text())?.[1] ?? '';
    const login = await fetch(`${server.baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: sessionCookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrf_token: csrfToken,
        username: 'logged',
        password: STRONG_PASSWORD,
      }),
    });
    expect(login.status).toBe(303);
    const signedInCookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const authorized = await fetch(
      `${server.baseUrl}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: firstParty,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString()}`,
      { redirect: 'manual', headers: { Cookie: signedInCookie } },
    );
    expect(authorized.status).toBe(303);
    const code = new URL(authorized.headers.get('location') ?? '').searchParams.get('code');
    expect(code).toMatch(/^[\w-]{43}$/);

    // An application message: a refused client authentication, with its context.
    const refused = await fetch(`${server.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=nobody&client_secret=client-secret-value',
    });
    expect(refused.status).toBe(401);

    await new Promise((resolve) => setTimeout(resolve, 200));
    const output = server.output();
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual({
      level: 40,
      time: expect.any(Number),
      pid: expect.any(Number),
      hostname: expect.any(String),
      context: 'ClientAuthentication',
      msg: 'client authentication failed on /oauth/token: unknown client (client_id "nobody", method client_secret_post)',
    });
    // Each request's line: who asked what, and what was answered.
    expect(lines).toContainEqual({
      level: 30,
      time: expect.any(Number),
      pid: expect.any(Number),
      hostname: expect.any(String),
      req: {
        id: expect.any(String),
        method: 'POST',
        url: '/oauth/token',
        remoteAddress: '127.0.0.1',
      },
      res: { statusCode: 401 },
      responseTime: expect.any(Number),
      msg: 'request completed',
    });
    const requestLines = (
      lines as { req?: { url?: string }; res?: { statusCode?: number } }[]
    ).filter((line) => line.req !== undefined);
    expect(requestLines.map((line) => [line.req?.url, line.res?.statusCode])).toEqual(
      expect.arrayContaining([
        ['/admin/clients', 201],
        [`/admin/clients/${clientId}/secret`, 200],
        ['/health/live?access_token=%5Bredacted%5D&code=%5Bredacted%5D&verbose=1', 200],
        ['/admin/users', 401],
        ['/admin/users?[redacted]', 400],
        ['/health/live?state=%5Bredacted%5D', 200],
        ['/login', 303],
      ]),
    );
    for (const secret of [
      ADMIN_API_KEY,
      firstSecret,
      secondSecret,
      STRONG_PASSWORD,
      'cookie-secret-value',
      'query-token-value',
      'query-code-value',
      'wrong-key-value',
      'client-secret-value',
      sessionCookie.split('=')[1],
      signedInCookie.split('=')[1],
      csrfToken,
      code as string,
    ]) {
      expect(output).not.toContain(secret);
    }
  });
});
