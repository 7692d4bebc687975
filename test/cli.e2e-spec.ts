import { createTestDatabase, TestDatabase } from './helpers/test-database';
import { runCli } from './helpers/processes';
import { STRONG_PASSWORD } from './factories';
import { createDataSource } from '../src/database/data-source';
import { validateEnv } from '../src/config/env.validation';

describe('operator CLI', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(() => database.drop());

  it('should create an admin user and print it without the password', async () => {
    const result = await runCli(
      [
        'users:create',
        '--username',
        'Root.Admin',
        '--password',
        STRONG_PASSWORD,
        '--email',
        'root@example.com',
        '--admin',
      ],
      database.url,
    );
    expect(result.status).toBe(0);
    const user = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      username: 'root.admin',
      email: 'root@example.com',
      name: null,
      role: 'admin',
      enabled: true,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(result.stdout + result.stderr).not.toContain(STRONG_PASSWORD);
  });

  it('should read the password from stdin when it is given as -', async () => {
    const result = await runCli(
      ['users:create', '--username', 'bob', '--password', '-'],
      database.url,
      {
        stdin: `${STRONG_PASSWORD}\n`,
      },
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ username: 'bob', role: 'user' });
  });

  it('should refuse a duplicate username with exit code 1', async () => {
    const result = await runCli(
      ['users:create', '--username', 'BOB', '--password', STRONG_PASSWORD],
      database.url,
    );
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'username is already taken\n',
    });
  });

  it('should print field errors with exit code 1 when the input is invalid', async () => {
    const result = await runCli(
      ['users:create', '--username', 'carol', '--password', 'password1'],
      database.url,
    );
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'password: password is too common; choose a less predictable one\n',
    });
  });

  it('should create a client, print its secret once and store only the hash', async () => {
    const result = await runCli(
      [
        'clients:create',
        '--client_name',
        'Billing',
        '--redirect_uris',
        'https://billing.example.com/cb',
        '--redirect_uris',
        'http://localhost:8080/cb',
        '--grant_types',
        'authorization_code',
        '--grant_types',
        'refresh_token',
        '--scope',
        'profile email',
        '--require_pkce',
        'false',
      ],
      database.url,
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('Store client_secret now: it is shown only this once.\n');
    const client = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(client).toEqual({
      client_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      client_name: 'Billing',
      redirect_uris: ['https://billing.example.com/cb', 'http://localhost:8080/cb'],
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'profile email',
      token_endpoint_auth_method: 'client_secret_basic',
      access_token_format: 'opaque',
      require_pkce: false,
      review_version: 1,
      id_token_signed_response_alg: 'RS256',
      post_logout_redirect_uris: [],
      backchannel_logout_uri: null,
      backchannel_logout_session_required: false,
      allowed_origins: [],
      skip_consent: false,
      introspection_allowed: false,
      enabled: true,
      status: 'approved',
      owner_id: null,
      client_uri: null,
      description: null,
      rejection_reason: null,
      created_at: expect.any(String),
    });

    const list = await runCli(['clients:list'], database.url);
    expect(list.status).toBe(0);
    const { client_secret: secret, ...withoutSecret } = client;
    expect(JSON.parse(list.stdout)).toEqual([withoutSecret]);
    expect(list.stdout).not.toContain(secret);

    const dataSource = createDataSource(validateEnv({ DATABASE_URL: database.url }).DATABASE);
    await dataSource.initialize();
    try {
      const dump = JSON.stringify(await dataSource.query('SELECT * FROM clients'));
      expect(dump).not.toContain(secret);
    } finally {
      await dataSource.destroy();
    }
  });

  it('should list pending clients, approve one and reject another with a reason, recording the CLI', async () => {
    const create = async (name: string) => {
      const args = ['--client_name', name, '--redirect_uris', 'https://x.example.com/cb'];
      const result = await runCli(['clients:create', ...args], database.url);
      expect(result).toMatchObject({ status: 0, stderr: expect.stringMatching(/^Store/) });
      return (JSON.parse(result.stdout) as { client_id: string }).client_id;
    };
    const [first, second] = [await create('Pending One'), await create('Pending Two')];
    const dataSource = createDataSource(validateEnv({ DATABASE_URL: database.url }).DATABASE);
    await dataSource.initialize();
    try {
      // As the developer portal registers them.
      await dataSource.query("UPDATE clients SET status = 'pending' WHERE client_id IN (?, ?)", [
        first,
        second,
      ]);
      const pending = await runCli(['clients:list', '--status', 'pending'], database.url);
      expect(pending.status).toBe(0);
      expect(
        (JSON.parse(pending.stdout) as { client_id: string }[])
          .map((client) => client.client_id)
          .sort(),
      ).toEqual([first, second].sort());

      const approved = await runCli(['clients:approve', '--client_id', first], database.url);
      expect(approved.status).toBe(0);
      expect(JSON.parse(approved.stdout)).toMatchObject({
        client_id: first,
        status: 'approved',
        review_version: 1,
      });
      expect(
        await runCli(
          ['clients:reject', '--client_id', second, '--reason', 'x', '--review_version', '2'],
          database.url,
        ),
      ).toEqual({
        status: 1,
        stdout: '',
        stderr: 'client changed since review_version 2 (now 1): review it again\n',
      });
      expect(
        await runCli(
          ['clients:approve', '--client_id', second, '--review_version', '1.5'],
          database.url,
        ),
      ).toEqual({
        status: 1,
        stdout: '',
        stderr: 'review_version: review_version must be an integer number\n',
      });
      const rejected = await runCli(
        ['clients:reject', '--client_id', second, '--reason', 'Missing privacy policy'],
        database.url,
      );
      expect(JSON.parse(rejected.stdout)).toMatchObject({
        status: 'rejected',
        rejection_reason: 'Missing privacy policy',
      });
      expect(await runCli(['clients:approve', '--client_id', first], database.url)).toEqual({
        status: 1,
        stdout: '',
        stderr: 'client is already approved\n',
      });
      expect(await runCli(['clients:reject', '--client_id', first], database.url)).toEqual({
        status: 1,
        stdout: '',
        stderr: 'reason: reason must be a string\n',
      });
      expect(await runCli(['clients:approve'], database.url)).toEqual({
        status: 1,
        stdout: '',
        stderr: 'client_id: is required\n',
      });
      expect(await runCli(['clients:list', '--status', 'waiting'], database.url)).toMatchObject({
        status: 1,
        stderr: 'status: status must be one of the following values: pending, approved, rejected\n',
      });

      const events = await dataSource.query(
        'SELECT type, actor_type, actor_user_id, ip FROM audit_events WHERE client_id IN (?, ?) ORDER BY created_at, type',
        [first, second],
      );
      expect(events).toEqual(
        expect.arrayContaining([
          { type: 'client.approved', actor_type: 'cli', actor_user_id: null, ip: null },
          { type: 'client.rejected', actor_type: 'cli', actor_user_id: null, ip: null },
        ]),
      );
    } finally {
      await dataSource.destroy();
    }
  });

  it('should create a resource server that only introspects, with no redirect URI or grant', async () => {
    const result = await runCli(
      ['clients:create', '--client_name', 'Orders API', '--introspection_allowed', 'true'],
      database.url,
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      client_name: 'Orders API',
      redirect_uris: [],
      grant_types: [],
      introspection_allowed: true,
      client_secret: expect.any(String),
    });
  });

  it('should list users, disable and enable one, and set a password', async () => {
    await runCli(
      ['users:create', '--username', 'carol', '--password', STRONG_PASSWORD],
      database.url,
    );
    const listed = await runCli(['users:list', '--limit', '500'], database.url);
    expect(listed.status).toBe(0);
    const users = JSON.parse(listed.stdout) as { username: string }[];
    expect(users.map((user) => user.username)).toEqual(expect.arrayContaining(['carol']));

    const disabled = await runCli(['users:disable', '--username', 'CAROL'], database.url);
    expect(disabled.status).toBe(0);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ username: 'carol', enabled: false });
    const enabled = await runCli(['users:enable', '--username', 'carol'], database.url);
    expect(JSON.parse(enabled.stdout)).toMatchObject({ username: 'carol', enabled: true });

    const dataSource = createDataSource(validateEnv({ DATABASE_URL: database.url }).DATABASE);
    await dataSource.initialize();
    try {
      const hashOf = async () => {
        const [row] = await dataSource.query<{ password_hash: string }[]>(
          "SELECT password_hash FROM users WHERE username = 'carol'",
        );
        return row.password_hash;
      };
      const before = await hashOf();
      const changed = await runCli(
        ['users:set-password', '--username', 'carol', '--password', '-'],
        database.url,
        { stdin: 'another-strong-phrase-77\n' },
      );
      expect(changed.status).toBe(0);
      expect(changed.stdout + changed.stderr).not.toContain('another-strong-phrase-77');
      expect(await hashOf()).not.toBe(before);
    } finally {
      await dataSource.destroy();
    }
    const weak = await runCli(
      ['users:set-password', '--username', 'carol', '--password', 'password'],
      database.url,
    );
    expect(weak.status).toBe(1);
  });

  it('should answer exit code 1 for an unknown username', async () => {
    const result = await runCli(['users:disable', '--username', 'nobody'], database.url);
    expect(result).toEqual({ status: 1, stdout: '', stderr: 'no user named nobody\n' });
  });

  it('should update a client with only the flags given, then delete it', async () => {
    const created = await runCli(
      [
        'clients:create',
        '--client_name',
        'Legacy CRM',
        '--redirect_uris',
        'https://crm.example.com/cb',
      ],
      database.url,
    );
    const { client_id: clientId } = JSON.parse(created.stdout) as { client_id: string };
    const updated = await runCli(
      [
        'clients:update',
        '--client_id',
        clientId,
        '--require_pkce',
        'false',
        '--client_name',
        'CRM',
      ],
      database.url,
    );
    expect(updated.status).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({
      client_id: clientId,
      client_name: 'CRM',
      require_pkce: false,
      redirect_uris: ['https://crm.example.com/cb'],
    });
    const deleted = await runCli(['clients:delete', '--client_id', clientId], database.url);
    expect(deleted).toEqual({
      status: 0,
      stdout: `${JSON.stringify({ deleted: clientId }, null, 2)}\n`,
      stderr: '',
    });
    const again = await runCli(['clients:delete', '--client_id', clientId], database.url);
    expect(again.status).toBe(1);
  });

  it('should explain a bad boolean flag', async () => {
    const result = await runCli(
      [
        'clients:create',
        '--client_name',
        'X',
        '--redirect_uris',
        'https://x.example.com/cb',
        '--skip_consent',
        'yes',
      ],
      database.url,
    );
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'skip_consent: skip_consent must be a boolean value\n',
    });
  });

  it.each([
    { args: [], message: /^Usage: npm run cli -- <command> \[--help\]\n/ },
    { args: ['users:delete'], message: /^Unknown command: users:delete\n\nUsage: npm run cli -- / },
    { args: ['users:create', '--nickname', 'x'], message: /^Unknown option '--nickname'/ },
  ])('should print usage with exit code 2 for $args', async ({ args, message }) => {
    const result = await runCli(args, database.url);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it.each([['--help'], ['-h'], ['help']])(
    'should print every command on stdout and exit 0 for %s',
    async (flag) => {
      const result = await runCli([flag], database.url);
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(
        /^Usage: npm run cli -- <command> \[--help\]\n\n {2}users:create /,
      );
      expect(result.stdout).toContain('\n  keys:list\n');
    },
  );

  it.each([
    ['clients:create', '--help', /^Usage: npm run cli -- clients:create --client_name NAME /],
    ['keys:rotate', '-h', /^Usage: npm run cli -- keys:rotate \[--alg ES256\|RS256\] /],
  ])(
    'should print the usage of %s alone for %s, exit 0 and touch nothing',
    async (command, flag, usage) => {
      const result = await runCli([command, flag], database.url, {
        env: { DATABASE_URL: 'mysql://nobody@127.0.0.1:1/unreachable' },
      });
      expect(result).toEqual({ status: 0, stdout: expect.stringMatching(usage), stderr: '' });
    },
  );

  it('should name the variable and exit 1 when the configuration is invalid', async () => {
    const result = await runCli(['clients:list'], database.url, {
      env: { ACCESS_TOKEN_TTL: 'soon' },
    });
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'Invalid configuration:\n  - ACCESS_TOKEN_TTL: must be an integer number\n',
    });
  });
});
