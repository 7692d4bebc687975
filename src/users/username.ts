// Usernames are case-insensitive: stored and looked up lower-cased, so `Alice` and `alice` are one
// account on SQLite and MySQL alike. A plain ASCII alphabet keeps look-alike characters out.
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@+-]{2,63}$/;

export function normalizeUsername(username: string): string {
  return username.toLowerCase();
}
