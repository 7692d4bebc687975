// Appends response parameters to a registered redirect URI without re-serialising it: the URI is
// used exactly as registered (RFC 6749 §3.1.2: its query is kept; it has no fragment).
export function appendQuery(
  redirectUri: string,
  parameters: Record<string, string | null>,
): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== null) {
      query.append(name, value);
    }
  }
  const separator = !redirectUri.includes('?') ? '?' : /[?&]$/.test(redirectUri) ? '' : '&';
  return `${redirectUri}${separator}${query.toString()}`;
}
