import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MinLength,
  Min,
  validateSync,
  ValidationError,
} from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;
// Secrets an operator must set in production; in development a random one is generated per process.
const SECRET_NAMES = ['SESSION_SECRET', 'ADMIN_API_KEY', 'SIGNING_KEYS_SECRET'] as const;

const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

// class-validator runs a property's decorators bottom-up and stops at the first failure, so the
// type check sits last and a non-number is reported as such, not as out of range.
class EnvironmentVariables {
  @IsOptional()
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Transform(toInteger)
  @Min(1)
  @Max(65535)
  @IsInt()
  PORT = 3000;

  // The address to listen on; every interface unless set.
  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @IsString()
  ISSUER?: string;

  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(32)
  SESSION_SECRET?: string;

  @IsOptional()
  @IsString()
  @MinLength(32)
  ADMIN_API_KEY?: string;

  // Encrypts the private signing keys stored in the database.
  @IsOptional()
  @IsString()
  @MinLength(32)
  SIGNING_KEYS_SECRET?: string;

  @Transform(toInteger)
  @Min(60)
  @Max(86400)
  @IsInt()
  ACCESS_TOKEN_TTL = 3600;

  @Transform(toInteger)
  @Min(60)
  @IsInt()
  REFRESH_TOKEN_TTL = 1209600;

  // Seconds a refresh token may go unused before it expires (0: no idle expiry, only
  // REFRESH_TOKEN_TTL).
  @Transform(toInteger)
  @Min(0)
  @IsInt()
  REFRESH_TOKEN_IDLE_TTL = 0;

  // RFC 6749 §4.1.2: codes are short-lived; ten minutes is the recommended maximum.
  @Transform(toInteger)
  @Min(1)
  @Max(600)
  @IsInt()
  AUTH_CODE_TTL = 60;

  @Transform(toInteger)
  @Min(0)
  @Max(300)
  @IsInt()
  REFRESH_REUSE_GRACE = 10;

  // Retention: how often expired rows are deleted (0: never), and how long after expiry they are
  // kept.
  @Transform(toInteger)
  @Min(0)
  @Max(604800)
  @IsInt()
  RETENTION_INTERVAL = 3600;

  @Transform(toInteger)
  @Min(0)
  @IsInt()
  RETENTION_AGE = 86400;

  // The token endpoint's per-client limit for client_credentials and password grants:
  // requests per fixed window of TOKEN_RATE_LIMIT_WINDOW seconds (0: no limit).
  @Transform(toInteger)
  @Min(0)
  @IsInt()
  TOKEN_RATE_LIMIT = 600;

  @Transform(toInteger)
  @Min(1)
  @Max(86400)
  @IsInt()
  TOKEN_RATE_LIMIT_WINDOW = 60;

  // Redis shares the rate-limit counters between instances when set; otherwise the database does.
  @IsOptional()
  @IsString()
  REDIS_URL?: string;

  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  // Developers' applications skip the operator's approval.
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  DEVELOPER_APPS_AUTO_APPROVE = 'false';

  // The API documentation at /docs; on unless NODE_ENV=production.
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  DOCS_ENABLED?: string;

  // The scopes developers may request for their applications.
  @IsOptional()
  @IsString()
  DEVELOPER_SCOPES = 'profile email';

  // Reverse proxies whose X-Forwarded-For is believed: addresses or CIDRs, comma-separated.
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;
}

export type DatabaseTarget = { type: 'sqlite'; path: string } | { type: 'mysql'; url: string };

export type Env = {
  NODE_ENV: (typeof NODE_ENVS)[number];
  PORT: number;
  HOST: string;
  ISSUER: string;
  DATABASE: DatabaseTarget;
  SESSION_SECRET: string;
  ADMIN_API_KEY: string;
  SIGNING_KEYS_SECRET: string;
  ACCESS_TOKEN_TTL: number;
  REFRESH_TOKEN_TTL: number;
  REFRESH_TOKEN_IDLE_TTL: number;
  AUTH_CODE_TTL: number;
  REFRESH_REUSE_GRACE: number;
  RETENTION_INTERVAL: number;
  RETENTION_AGE: number;
  TOKEN_RATE_LIMIT: number;
  TOKEN_RATE_LIMIT_WINDOW: number;
  // undefined: the counters live in the database.
  REDIS_URL: string | undefined;
  LOG_LEVEL: (typeof LOG_LEVELS)[number];
  DEVELOPER_APPS_AUTO_APPROVE: boolean;
  DEVELOPER_SCOPES: string[];
  DOCS_ENABLED: boolean;
  // Proxy addresses or CIDRs (empty: X-Forwarded-For is never believed).
  TRUST_PROXY: string[];
  // Names of secrets generated for this process because they were not set (development only).
  GENERATED_SECRETS: string[];
};

export const DEFAULT_SQLITE_PATH = './data/portcullis.sqlite';

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

// Rules a feature adds for a variable whose meaning it owns (DEVELOPER_SCOPES: developer/): each
// returns what is wrong with the value, or undefined.
export type EnvChecks = Partial<Record<'DEVELOPER_SCOPES', (value: string) => string | undefined>>;

// Validates the raw environment once at boot. Messages name the variable but never echo its value,
// since it may be a secret.
export function validateEnv(raw: Record<string, unknown>, checks: EnvChecks = {}): Env {
  // An empty value (`PORT=` in a .env file) means "not set", so the default applies.
  const set = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ''));
  const vars = plainToInstance(EnvironmentVariables, set);
  const problems = validateSync(vars, { skipMissingProperties: false, stopAtFirstError: true }).map(
    describeProblem,
  );

  const issuer = vars.ISSUER ?? `http://localhost:${vars.PORT}`;
  const issuerProblem = checkIssuer(issuer, vars.NODE_ENV);
  // A bad PORT already has its own message; the default issuer built from it adds nothing.
  const portIsInvalid = problems.some((problem) => problem.startsWith('PORT:'));
  if (issuerProblem && (vars.ISSUER !== undefined || !portIsInvalid)) {
    problems.push(`ISSUER: ${issuerProblem}`);
  }
  if (vars.REDIS_URL !== undefined && !/^rediss?:\/\/[^\s]+$/.test(vars.REDIS_URL)) {
    problems.push('REDIS_URL: must be a redis:// or rediss:// URL');
  }
  if (typeof vars.HOST === 'string' && !isHost(vars.HOST)) {
    problems.push('HOST: must be an IP address or a host name');
  }
  for (const [name, check] of Object.entries(checks)) {
    const problem = check(vars[name as keyof EnvChecks]);
    if (problem) {
      problems.push(`${name}: ${problem}`);
    }
  }
  const trustProxy = parseTrustProxy(vars.TRUST_PROXY);
  if (typeof trustProxy === 'string') {
    problems.push(`TRUST_PROXY: ${trustProxy}`);
  }
  const database = parseDatabaseUrl(vars.DATABASE_URL);
  if (typeof database === 'string') {
    problems.push(`DATABASE_URL: ${database}`);
  }
  const generated: string[] = [];
  for (const name of SECRET_NAMES) {
    if (vars[name] === undefined && vars.NODE_ENV === 'production') {
      problems.push(`${name}: must be set when NODE_ENV=production`);
    } else if (vars[name] === undefined) {
      generated.push(name);
    }
  }
  if (problems.length > 0 || typeof database === 'string' || typeof trustProxy === 'string') {
    throw new InvalidEnvironmentError(problems);
  }

  return {
    NODE_ENV: vars.NODE_ENV,
    PORT: vars.PORT,
    HOST: vars.HOST,
    ISSUER: issuer.replace(/\/+$/, ''),
    DATABASE: database,
    SESSION_SECRET: vars.SESSION_SECRET ?? generateSecret(),
    ADMIN_API_KEY: vars.ADMIN_API_KEY ?? generateSecret(),
    SIGNING_KEYS_SECRET: vars.SIGNING_KEYS_SECRET ?? generateSecret(),
    ACCESS_TOKEN_TTL: vars.ACCESS_TOKEN_TTL,
    REFRESH_TOKEN_TTL: vars.REFRESH_TOKEN_TTL,
    REFRESH_TOKEN_IDLE_TTL: vars.REFRESH_TOKEN_IDLE_TTL,
    AUTH_CODE_TTL: vars.AUTH_CODE_TTL,
    REFRESH_REUSE_GRACE: vars.REFRESH_REUSE_GRACE,
    RETENTION_INTERVAL: vars.RETENTION_INTERVAL,
    RETENTION_AGE: vars.RETENTION_AGE,
    TOKEN_RATE_LIMIT: vars.TOKEN_RATE_LIMIT,
    TOKEN_RATE_LIMIT_WINDOW: vars.TOKEN_RATE_LIMIT_WINDOW,
    REDIS_URL: vars.REDIS_URL,
    LOG_LEVEL: vars.LOG_LEVEL,
    DEVELOPER_APPS_AUTO_APPROVE: vars.DEVELOPER_APPS_AUTO_APPROVE === 'true',
    DEVELOPER_SCOPES: vars.DEVELOPER_SCOPES.split(' '),
    DOCS_ENABLED:
      vars.DOCS_ENABLED === undefined
        ? vars.NODE_ENV !== 'production'
        : vars.DOCS_ENABLED === 'true',
    TRUST_PROXY: trustProxy,
    GENERATED_SECRETS: generated,
  };
}

function describeProblem(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {}).map((reason) =>
    // class-validator's messages start with the property name; keep only the rule.
    reason.replace(new RegExp(`^${error.property} `), ''),
  );
  return `${error.property}: ${reasons.join('; ')}`;
}

// Space-separated scope tokens, none of those that act on this server for the user: a developer's
// application holding `admin` could act as any admin who approved it, `developer` could take over
// the user's applications, `account` could revoke their other connected apps.
// RFC 8414 §2: the issuer is an https URL with no query or fragment (http only for loopback in development).
function checkIssuer(issuer: string, nodeEnv: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'must be an absolute URL such as https://id.example.com';
  }
  if (url.search || url.hash || issuer.includes('#') || issuer.includes('?')) {
    return 'must not contain a query or fragment';
  }
  if (url.protocol === 'https:') {
    return undefined;
  }
  if (url.protocol === 'http:' && nodeEnv !== 'production') {
    return undefined;
  }
  return nodeEnv === 'production' ? 'must use https in production' : 'must use http or https';
}

function parseDatabaseUrl(value: string | undefined): DatabaseTarget | string {
  if (value === undefined) {
    return { type: 'sqlite', path: DEFAULT_SQLITE_PATH };
  }
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    return path
      ? { type: 'sqlite', path }
      : 'sqlite: needs a file path, e.g. sqlite:./data/db.sqlite';
  }
  if (value.startsWith('mysql://')) {
    try {
      const url = new URL(value);
      return url.pathname.length > 1
        ? { type: 'mysql', url: value }
        : 'must name a database, e.g. mysql://user:pass@127.0.0.1:3306/portcullis';
    } catch {
      return 'is not a valid mysql:// URL';
    }
  }
  return 'must be empty (embedded SQLite), sqlite:<path> or mysql://user:pass@host:port/database';
}

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function isHost(value: string): boolean {
  return isIP(value) !== 0 || HOST_NAME.test(value);
}

// `10.0.0.1, 10.1.0.0/16, ::1`: each an IPv4 or IPv6 address, optionally with a prefix length.
function parseTrustProxy(value: string | undefined): string[] | string {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const version = isIP(address);
    const maxPrefix = version === 6 ? 128 : 32;
    const prefixOk =
      prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (version === 0 || !prefixOk || extra !== undefined) {
      return 'must be IP addresses or CIDRs separated by commas, e.g. 10.0.0.1, 10.1.0.0/16';
    }
  }
  return entries;
}

function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}
