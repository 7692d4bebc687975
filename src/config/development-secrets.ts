import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidEnvironmentError } from './env.validation';

export const DEVELOPMENT_SECRETS_FILE = './data/development-secrets.json';

const NAMES = ['ADMIN_API_KEY', 'SESSION_SECRET', 'SIGNING_KEYS_SECRET'] as const;

// Which secrets this process read from the development file (so the start can say so).
let fromFile: string[] = [];

export function secretsFromDevelopmentFile(): readonly string[] {
  return fromFile;
}

// In development, a secret that is not set is read from ./data/development-secrets.json, which the
// first start writes (mode 0600; data/ is never committed). The server, the CLI and migrations
// all use it, so a restart keeps the admin key, the sessions and the signing key. Production
// never reads it (its secrets are required); NODE_ENV=test neither (each test sets its own).
export function loadDevelopmentSecrets(
  env: NodeJS.ProcessEnv = process.env,
  path = DEVELOPMENT_SECRETS_FILE,
): void {
  fromFile = [];
  const nodeEnv = env.NODE_ENV ?? '';
  if (nodeEnv !== '' && nodeEnv !== 'development') {
    return;
  }
  const missing = NAMES.filter((name) => (env[name] ?? '') === '');
  if (missing.length === 0) {
    return;
  }
  const stored = readStored(path);
  const added = missing.filter((name) => stored[name] === undefined);
  for (const name of added) {
    stored[name] = randomBytes(32).toString('base64url');
  }
  if (added.length > 0 && !writeStored(path, stored)) {
    // Not writable (a read-only checkout): the start generates per-process secrets and says so.
    return;
  }
  for (const name of missing) {
    env[name] = stored[name];
  }
  fromFile = missing;
}

function readStored(path: string): Record<string, string> {
  if (!existsSync(path)) {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return Object.fromEntries(
        Object.entries(parsed).filter(
          (entry): entry is [string, string] =>
            typeof entry[1] === 'string' && entry[1].length >= 32,
        ),
      );
    }
  } catch {
    // Reported below.
  }
  throw new InvalidEnvironmentError([
    `${path}: is not the JSON object of development secrets this server writes; delete it to start with new ones`,
  ]);
}

function writeStored(path: string, secrets: Record<string, string>): boolean {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    chmodSync(path, 0o600);
    return true;
  } catch {
    return false;
  }
}
