// Pure rules shared by access and refresh tokens.

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
