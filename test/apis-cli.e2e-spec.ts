import { runCli } from './helpers/processes';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

// `npm run cli -- apis:create` and `apis:list`: the admin API's validation and answers.
describe('operator CLI: APIs', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('should register an API with its scopes, then list it', async () => {
    const created = await runCli(
      [
        'apis:create',
        '--identifier',
        'https://orders.example.com',
        '--name',
        'Orders API',
        '--scope',
        'orders:read=See your orders',
        '--scope',
        'orders:write=Place orders',
        '--access_token_ttl',
        '900',
      ],
      database.url,
    );
    expect(created.status).toBe(0);
    const api = JSON.parse(created.stdout) as Record<string, unknown>;
    expect(api).toEqual({
      id: expect.any(String),
      identifier: 'https://orders.example.com',
      name: 'Orders API',
      scopes: [
        { value: 'orders:read', description: 'See your orders' },
        { value: 'orders:write', description: 'Place orders' },
      ],
      access_token_format: 'jwt',
      access_token_ttl: 900,
      created_at: expect.any(String),
    });
    const list = await runCli(['apis:list'], database.url);
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([api]);
  });

  it('should refuse an identifier that is not an absolute URI, naming the field', async () => {
    const result = await runCli(
      ['apis:create', '--identifier', 'orders', '--name', 'x'],
      database.url,
    );
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: 'identifier: identifier must be an absolute URI\n',
    });
  });
});
