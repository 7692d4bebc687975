// Fixed-window arithmetic for the token endpoint's per-client limit. Pure: no Nest, no DB.

// The start (epoch ms) of the window that contains `nowMs`, for windows of `windowSeconds`.
export function windowStartOf(nowMs: number, windowSeconds: number): number {
  const windowMs = windowSeconds * 1000;
  return Math.floor(nowMs / windowMs) * windowMs;
}

// Whole seconds until the window containing `nowMs` ends (at least 1): the Retry-After value
// (RFC 9110 §10.2.3 takes whole seconds; rounding up never invites a retry that is still refused).
export function secondsUntilReset(nowMs: number, windowSeconds: number): number {
  const windowEndMs = windowStartOf(nowMs, windowSeconds) + windowSeconds * 1000;
  return Math.max(1, Math.ceil((windowEndMs - nowMs) / 1000));
}

// Whether the `count`th request of a window stays within `limit` (0: the limit is off).
export function isWithinLimit(count: number, limit: number): boolean {
  return limit === 0 || count <= limit;
}
