import { InvalidEnvironmentError, validateEnv } from './env.validation';

const secrets = {
  SESSION_SECRET: 's'.repeat(32),
  ADMIN_API_KEY: 'k'.repeat(32),
  SIGNING_KEYS_SECRET: 'e'.repeat(32),
};

function problemsOf(raw: Record<string, string | undefined>): string[] {
  try {
    validateEnv(raw);
  } catch (error) {
    if (error instanceof InvalidEnvironmentError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected validateEnv to fail');
}

describe('validateEnv', () => {
  it('should apply the documented defaults when nothing is set', () => {
    const env = validateEnv({});
    expect(env).toEqual({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      ISSUER: 'http://localhost:3000',
      DATABASE: { type: 'sqlite', path: './data/portcullis.sqlite' },
      SESSION_SECRET: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      ADMIN_API_KEY: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      SIGNING_KEYS_SECRET: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      ACCESS_TOKEN_TTL: 3600,
      REFRESH_TOKEN_TTL: 1209600,
      REFRESH_TOKEN_IDLE_TTL: 0,
      AUTH_CODE_TTL: 60,
      REFRESH_REUSE_GRACE: 10,
      DOCS_ENABLED: true,
      RETENTION_INTERVAL: 3600,
      RETENTION_AGE: 86400,
      TOKEN_RATE_LIMIT: 600,
      TOKEN_RATE_LIMIT_WINDOW: 60,
      REDIS_URL: undefined,
      LOG_LEVEL: 'info',
      DEVELOPER_APPS_AUTO_APPROVE: false,
      DEVELOPER_SCOPES: ['profile', 'email'],
      TRUST_PROXY: [],
      GENERATED_SECRETS: ['SESSION_SECRET', 'ADMIN_API_KEY', 'SIGNING_KEYS_SECRET'],
    });
  });

  it('should treat empty values as unset', () => {
    const env = validateEnv({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '', ...secrets });
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE).toEqual({ type: 'sqlite', path: './data/portcullis.sqlite' });
    expect(env.GENERATED_SECRETS).toEqual([]);
  });

  it('should read every variable when set', () => {
    const env = validateEnv({
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '::1',
      ISSUER: 'https://id.example.com/',
      DATABASE_URL: 'mysql://portcullis:pw@db:3306/portcullis',
      ACCESS_TOKEN_TTL: '600',
      REFRESH_TOKEN_TTL: '86400',
      REFRESH_TOKEN_IDLE_TTL: '3600',
      AUTH_CODE_TTL: '30',
      REFRESH_REUSE_GRACE: '0',
      RETENTION_INTERVAL: '0',
      RETENTION_AGE: '600',
      TOKEN_RATE_LIMIT: '0',
      TOKEN_RATE_LIMIT_WINDOW: '2',
      REDIS_URL: 'redis://cache:6379/1',
      LOG_LEVEL: 'warn',
      DEVELOPER_APPS_AUTO_APPROVE: 'true',
      DEVELOPER_SCOPES: 'profile orders:read',
      TRUST_PROXY: '10.0.0.1,10.2.0.0/16',
      ...secrets,
    });
    expect(env).toEqual({
      NODE_ENV: 'production',
      PORT: 8080,
      HOST: '::1',
      ISSUER: 'https://id.example.com',
      DATABASE: { type: 'mysql', url: 'mysql://portcullis:pw@db:3306/portcullis' },
      ACCESS_TOKEN_TTL: 600,
      REFRESH_TOKEN_TTL: 86400,
      REFRESH_TOKEN_IDLE_TTL: 3600,
      AUTH_CODE_TTL: 30,
      REFRESH_REUSE_GRACE: 0,
      DOCS_ENABLED: false,
      RETENTION_INTERVAL: 0,
      RETENTION_AGE: 600,
      TOKEN_RATE_LIMIT: 0,
      TOKEN_RATE_LIMIT_WINDOW: 2,
      REDIS_URL: 'redis://cache:6379/1',
      LOG_LEVEL: 'warn',
      DEVELOPER_APPS_AUTO_APPROVE: true,
      DEVELOPER_SCOPES: ['profile', 'orders:read'],
      TRUST_PROXY: ['10.0.0.1', '10.2.0.0/16'],
      ...secrets,
      GENERATED_SECRETS: [],
    });
  });

  it('should accept sqlite:<path>', () => {
    expect(validateEnv({ DATABASE_URL: 'sqlite:/var/lib/portcullis.db' }).DATABASE).toEqual({
      type: 'sqlite',
      path: '/var/lib/portcullis.db',
    });
  });

  it.each([
    { raw: { PORT: 'eighty' }, problem: /^PORT: / },
    { raw: { PORT: '70000' }, problem: /^PORT: must not be greater than 65535$/ },
    { raw: { PORT: '3000.5' }, problem: /^PORT: / },
    { raw: { NODE_ENV: 'staging' }, problem: /^NODE_ENV: must be one of/ },
    { raw: { LOG_LEVEL: 'verbose' }, problem: /^LOG_LEVEL: must be one of/ },
    { raw: { HOST: 'not a host!' }, problem: /^HOST: must be an IP address or a host name$/ },
    { raw: { HOST: 'a..b' }, problem: /^HOST: must be an IP address or a host name$/ },
    { raw: { ACCESS_TOKEN_TTL: '10' }, problem: /^ACCESS_TOKEN_TTL: must not be less than 60$/ },
    { raw: { AUTH_CODE_TTL: '601' }, problem: /^AUTH_CODE_TTL: must not be greater than 600$/ },
    { raw: { REFRESH_REUSE_GRACE: '-1' }, problem: /^REFRESH_REUSE_GRACE: / },
    { raw: { REFRESH_TOKEN_IDLE_TTL: '-1' }, problem: /^REFRESH_TOKEN_IDLE_TTL: / },
    { raw: { REFRESH_TOKEN_TTL: '1e6' }, problem: /^REFRESH_TOKEN_TTL: / },
    { raw: { TOKEN_RATE_LIMIT: '-1' }, problem: /^TOKEN_RATE_LIMIT: / },
    { raw: { TOKEN_RATE_LIMIT_WINDOW: '0' }, problem: /^TOKEN_RATE_LIMIT_WINDOW: / },
    { raw: { REDIS_URL: 'http://cache' }, problem: /^REDIS_URL: must be a redis:\/\// },
    {
      raw: { SESSION_SECRET: 'short' },
      problem: /^SESSION_SECRET: must be longer than or equal to 32/,
    },
    {
      raw: { ADMIN_API_KEY: 'short' },
      problem: /^ADMIN_API_KEY: must be longer than or equal to 32/,
    },
    {
      raw: { SIGNING_KEYS_SECRET: 'short' },
      problem: /^SIGNING_KEYS_SECRET: must be longer than or equal to 32/,
    },
    { raw: { ISSUER: 'id.example.com' }, problem: /^ISSUER: must be an absolute URL/ },
    {
      raw: { ISSUER: 'https://id.example.com/?a=b' },
      problem: /^ISSUER: must not contain a query/,
    },
    { raw: { ISSUER: 'https://id.example.com/#x' }, problem: /^ISSUER: must not contain a query/ },
    { raw: { ISSUER: 'ftp://id.example.com' }, problem: /^ISSUER: must use http or https$/ },
    { raw: { DATABASE_URL: 'postgres://db/portcullis' }, problem: /^DATABASE_URL: must be empty/ },
    { raw: { DATABASE_URL: 'mysql://db:3306' }, problem: /^DATABASE_URL: must name a database/ },
    { raw: { DATABASE_URL: 'mysql://db:port/x' }, problem: /^DATABASE_URL: is not a valid/ },
    { raw: { DATABASE_URL: 'sqlite:' }, problem: /^DATABASE_URL: sqlite: needs a file path/ },
    {
      raw: { DEVELOPER_APPS_AUTO_APPROVE: 'yes' },
      problem: /^DEVELOPER_APPS_AUTO_APPROVE: must be true or false$/,
    },
  ])('should name the variable when $raw is invalid', ({ raw, problem }) => {
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it("should report a feature's own check under the variable's name", () => {
    const checks = { DEVELOPER_SCOPES: (value: string) => `refused ${value}` };
    expect(() => validateEnv({ DEVELOPER_SCOPES: 'profile orders:read' }, checks)).toThrow(
      'Invalid configuration:\n  - DEVELOPER_SCOPES: refused profile orders:read',
    );
    expect(validateEnv({}, { DEVELOPER_SCOPES: () => undefined }).DEVELOPER_SCOPES).toEqual([
      'profile',
      'email',
    ]);
  });

  it('should require every secret and https in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'ISSUER: must use https in production',
      'SESSION_SECRET: must be set when NODE_ENV=production',
      'ADMIN_API_KEY: must be set when NODE_ENV=production',
      'SIGNING_KEYS_SECRET: must be set when NODE_ENV=production',
    ]);
  });

  it('should never echo a secret value in its message', () => {
    const error = (() => {
      try {
        return validateEnv({ ADMIN_API_KEY: 'hunter2-visible' });
      } catch (thrown) {
        return thrown as Error;
      }
    })();
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    expect((error as Error).message).not.toContain('hunter2-visible');
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    { raw: undefined, expected: [] },
    { raw: '10.0.0.1', expected: ['10.0.0.1'] },
    {
      raw: ' 10.0.0.1 , 10.1.0.0/16,::1, fd00::/8 ',
      expected: ['10.0.0.1', '10.1.0.0/16', '::1', 'fd00::/8'],
    },
  ])('should read $raw as $expected', ({ raw, expected }) => {
    expect(validateEnv(raw === undefined ? {} : { TRUST_PROXY: raw }).TRUST_PROXY).toEqual(
      expected,
    );
  });

  it.each(['10.0.0', 'proxy.example.com', '10.0.0.1/33', '::1/129', '10.0.0.0/8/1', '10.0.0.1/x'])(
    'should refuse %s, naming the variable without its value',
    (raw) => {
      expect(() => validateEnv({ TRUST_PROXY: raw })).toThrow(
        'TRUST_PROXY: must be IP addresses or CIDRs separated by commas, e.g. 10.0.0.1, 10.1.0.0/16',
      );
    },
  );
});
