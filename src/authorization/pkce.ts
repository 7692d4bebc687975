import { createHash, timingSafeEqual } from 'node:crypto';

// RFC 7636 §4.1-4.2: 43 to 128 characters of the unreserved set (a base64url SHA-256 is 43).
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;
// With S256 (the only method) the challenge is BASE64URL(SHA256(verifier)): exactly 43
// characters; any other challenge could never be met by a verifier.
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function isWellFormedPkceValue(value: string): boolean {
  return PKCE_VALUE.test(value);
}

// Why a client must send a code_challenge: it is public (always), or it has require_pkce (the
// default for confidential clients, RFC 9700 §2.1.1). Named in the error, so a developer whose
// legacy server app sends none learns which setting an operator can change.
export type PkceRequirement = 'public client' | 'require_pkce' | 'optional';

const MISSING_CHALLENGE: Record<Exclude<PkceRequirement, 'optional'>, string> = {
  'public client': 'code_challenge is required (PKCE with S256): public clients always use PKCE',
  require_pkce:
    'code_challenge is required (PKCE with S256): this client has require_pkce true; ' +
    'an operator may set require_pkce false for a legacy server app that cannot send one',
};

export function pkceRequirementOf(client: {
  isPublic: boolean;
  requirePkce: boolean;
}): PkceRequirement {
  if (client.isPublic) {
    return 'public client';
  }
  return client.requirePkce ? 'require_pkce' : 'optional';
}

// At the authorization endpoint (RFC 7636 §4.3, PRODUCT.md): S256 only, so `plain` and a
// challenge without a method (which means plain) are refused; a challenge is required when the
// client is public or requires PKCE (every client unless an operator turned require_pkce off).
export function pkceRequestProblem(
  challenge: string | undefined,
  method: string | undefined,
  requirement: PkceRequirement,
): string | undefined {
  if (challenge === undefined) {
    if (method !== undefined) {
      return 'code_challenge_method given without code_challenge';
    }
    return requirement === 'optional' ? undefined : MISSING_CHALLENGE[requirement];
  }
  if (method !== 'S256') {
    return 'code_challenge_method must be S256';
  }
  return S256_CHALLENGE.test(challenge)
    ? undefined
    : 'code_challenge must be 43 base64url characters (S256)';
}

// At the token endpoint (RFC 7636 §4.5-4.6): the verifier must match the code's challenge, and a
// verifier for a code issued without a challenge is refused (PRODUCT.md).
export function codeVerifierProblem(
  challenge: string | null,
  verifier: string | undefined,
): string | undefined {
  if (challenge === null) {
    return verifier === undefined
      ? undefined
      : 'code_verifier was sent, but the authorization request had no code_challenge';
  }
  if (verifier === undefined) {
    return 'code_verifier is required';
  }
  return verifyPkce(verifier, challenge)
    ? undefined
    : 'code_verifier does not match the code_challenge';
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
