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
  let stored = readStored(path);
  const isNew = Object.keys(stored).length === 0 && !existsSync(path);
  const added = missing.filter((name) => stored[name] === undefined);
  for (const name of added) {
    stored[name] = randomBytes(32).toString('base64url');
  }
  const written = added.length > 0 ? writeStored(path, stored, isNew) : 'written';
  if (written === 'taken') {
    // Another process (the CLI, a second instance) wrote the file first: use its secrets, so
    // both share them.
    stored = readStored(path);
  }
  if (written === 'failed' || missing.some((name) => stored[name] === undefined)) {
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
    // Whoever made it, the file holds secrets: only its owner may read it.
    chmodSync(path, 0o600);
  } catch {
    // Not ours to change (a read-only checkout); reading it is still allowed.
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

// `create`: the file must not exist yet ('taken' when another process made it meanwhile).
function writeStored(
  path: string,
  secrets: Record<string, string>,
  create: boolean,
): 'written' | 'taken' | 'failed' {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, {
      mode: 0o600,
      flag: create ? 'wx' : 'w',
    });
    chmodSync(path, 0o600);
    return 'written';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'taken' : 'failed';
  }
}
