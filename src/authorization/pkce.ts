import { createHash, timingSafeEqual } from 'node:crypto';

// RFC 7636 §4.1-4.2: 43 to 128 characters of the unreserved set (a base64url SHA-256 is 43).
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

export function isWellFormedPkceValue(value: string): boolean {
  return PKCE_VALUE.test(value);
}

// RFC 7636 §4.6, S256 only.
export function verifyPkce(codeVerifier: string, codeChallenge: string): boolean {
  if (!isWellFormedPkceValue(codeVerifier)) {
    return false;
  }
  const expected = Buffer.from(createHash('sha256').update(codeVerifier).digest('base64url'));
  const given = Buffer.from(codeChallenge);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
