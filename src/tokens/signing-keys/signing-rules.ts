export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

// Covers a token signed in the moment the rotation commits and clocks that differ a little between
// instances.
export const RETIREMENT_MARGIN_SECONDS = 60;

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return SIGNING_ALGORITHMS.includes(value as SigningAlgorithm);
}

// A key deactivated at `deactivatedAt` stays published until every token it signed has expired: the
// longest an access token lives, plus the margin.
export function retireAfter(deactivatedAt: Date, accessTokenTtlSeconds: number): Date {
  return new Date(
    deactivatedAt.getTime() + (accessTokenTtlSeconds + RETIREMENT_MARGIN_SECONDS) * 1000,
  );
}

export type KeyLifetime = { deactivatedAt: Date | null; publishUntil: Date | null };

// Active keys and retiring keys are published and verify tokens; retired keys do not. A key is
// retiring until the later of its recorded end (set by whoever rotated it) and the end this
// process computes with its own ACCESS_TOKEN_TTL, so a rotation run with a shorter TTL than the
// servers' never retires a key whose tokens they still honour.
export function isPublished(key: KeyLifetime, now: Date, accessTokenTtlSeconds: number): boolean {
  if (key.deactivatedAt === null) {
    return true;
  }
  const ownEnd = retireAfter(key.deactivatedAt, accessTokenTtlSeconds);
  return ownEnd > now || (key.publishUntil !== null && key.publishUntil > now);
}
