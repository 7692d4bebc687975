import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

// OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane. Hashing runs on libuv's thread pool.
export const ARGON2_OPTIONS = {
  // Algorithm.Argon2id: a const enum, which transpile-only builds (ts-jest) cannot inline.
  algorithm: 2 as Algorithm,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
};
export const PASSWORD_MIN_LENGTH = 8;
// Checked before hashing so a megabyte "password" cannot tie up the hasher; never truncated.
export const PASSWORD_MAX_LENGTH = 1024;

const commonPasswords = new Set(dictionary.passwords);

// NIST SP 800-63B §5.1.1.2: length, not composition; refuse known-breached and context words.
export function passwordProblems(password: string, username?: string): string[] {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return [`password must be at least ${PASSWORD_MIN_LENGTH} characters long`];
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return [`password must be at most ${PASSWORD_MAX_LENGTH} characters long`];
  }
  const lowered = password.toLowerCase();
  if (commonPasswords.has(lowered)) {
    return ['password is too common; choose a less predictable one'];
  }
  if (username !== undefined && lowered === username.toLowerCase()) {
    return ['password must not be the username'];
  }
  return [];
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if ([...password].length > PASSWORD_MAX_LENGTH) {
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
