export type TokenRateLimitDecision = { allowed: boolean; retryAfterSeconds: number };

// Counts one token request of a client in the current window, shared by every instance.
export type TokenRateLimiter = {
  hit(clientId: string): Promise<TokenRateLimitDecision>;
};
