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

// Idle expiry (REFRESH_TOKEN_IDLE_TTL; 0: none): a refresh token unused for longer than that since
// it was issued, or since its rotation when it is presented again (a retry), is expired.
export function isIdleExpired(
  token: { createdAt: Date; rotatedAt: Date | null },
  now: Date,
  idleSeconds: number,
): boolean {
  const lastUsed = token.rotatedAt ?? token.createdAt;
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

export type PresentedRefreshToken = {
  id: string;
  rotatedAt: Date | null;
  revokedAt: Date | null;
};

// The family's head when it is not the presented token: the token it was rotated from.
export type FamilyHead = { id: string; parentId: string | null };

export function successionOf(
  token: PresentedRefreshToken,
  headTokenId: string,
  head: FamilyHead | null,
  now: Date,
  graceSeconds: number,
): Succession {
  if (headTokenId === token.id) {
    return { kind: 'rotate', expectedHead: token.id };
  }
  const isRetry =
    token.revokedAt === null &&
    token.rotatedAt !== null &&
    isWithinReuseGrace(token.rotatedAt, now, graceSeconds) &&
    head?.id === headTokenId &&
    head.parentId === token.id;
  return isRetry ? { kind: 'replace', expectedHead: headTokenId } : { kind: 'reuse' };
}
