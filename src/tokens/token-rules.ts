// Pure rules of access and refresh tokens: no Nest, no database; each has its table of cases in
// token-rules.spec.ts.

export type TokenOwner = { enabled: boolean; tokensInvalidBefore: Date | null };

// Disabling a user kills every token issued before, for good: enabling the account again does not
// bring them back.
export function isIssuedAfterInvalidation(owner: TokenOwner, issuedAt: Date): boolean {
  return (
    owner.enabled &&
    (owner.tokensInvalidBefore === null || issuedAt.getTime() > owner.tokensInvalidBefore.getTime())
  );
}

// RFC 6749 §6 with rotation: a rotated token presented again within the grace window (a retry
// after a lost response) gets a new successor; after it, the presentation is treated as theft.
export function isWithinReuseGrace(rotatedAt: Date, now: Date, graceSeconds: number): boolean {
  return now.getTime() - rotatedAt.getTime() <= graceSeconds * 1000;
}

// The state of a family that decides what a presentation means: its head (the one live token),
// the token the head was rotated from, and when that token was first rotated.
export type FamilyState = {
  headTokenId: string;
  previousTokenId: string | null;
  rotatedAt: Date | null;
};

// When the presented token was last used: its rotation, if it is the token the head was rotated
// from (a retry), else its issue.
export function lastUsedAt(token: { id: string; createdAt: Date }, family: FamilyState): Date {
  return token.id === family.previousTokenId && family.rotatedAt !== null
    ? family.rotatedAt
    : token.createdAt;
}

// Idle expiry (REFRESH_TOKEN_IDLE_TTL; 0: none): a refresh token unused for longer than that since
// it was issued, or since its rotation when it is presented again (a retry), is expired.
export function isIdleExpired(lastUsed: Date, now: Date, idleSeconds: number): boolean {
  return idleSeconds > 0 && now.getTime() - lastUsed.getTime() >= idleSeconds * 1000;
}

// What presenting a refresh token does to its family (RFC 6749 §6, RFC 9700 §4.14.2):
// - rotate: it is the family's head; the head moves from it to a successor;
// - replace: it was rotated within the grace window and its successor is still the head, unused:
//   a retry after a lost response, which replaces that successor;
// - reuse: anything else (an older token, a revoked one, a retry too late): the family is revoked.
export type Succession =
  | { kind: 'rotate'; expectedHead: string }
  | { kind: 'replace'; expectedHead: string }
  | { kind: 'reuse' };

export type PresentedRefreshToken = { id: string; revokedAt: Date | null };

export function successionOf(
  token: PresentedRefreshToken,
  family: FamilyState,
  now: Date,
  graceSeconds: number,
): Succession {
  if (family.headTokenId === token.id) {
    return { kind: 'rotate', expectedHead: token.id };
  }
  const isRetry =
    token.revokedAt === null &&
    token.id === family.previousTokenId &&
    family.rotatedAt !== null &&
    isWithinReuseGrace(family.rotatedAt, now, graceSeconds);
  return isRetry ? { kind: 'replace', expectedHead: family.headTokenId } : { kind: 'reuse' };
}
