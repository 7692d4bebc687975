// The CLI's `apis:create` flags as the admin API's body: each `--scope value=description`
// becomes one scope, and `--access_token_ttl` a number (left for the validator when it is not).
export function apiBodyFromFlags(values: Record<string, unknown>): Record<string, unknown> {
  const { scope, access_token_ttl: ttl, ...rest } = values;
  const body: Record<string, unknown> = { ...rest };
  if (Array.isArray(scope)) {
    body.scopes = scope.map((item: string) => {
      const separator = item.indexOf('=');
      return separator < 0
        ? { value: item, description: '' }
        : { value: item.slice(0, separator), description: item.slice(separator + 1) };
    });
  }
  if (typeof ttl === 'string') {
    body.access_token_ttl = /^\d+$/.test(ttl) ? Number(ttl) : ttl;
  }
  return body;
}
