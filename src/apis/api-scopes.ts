import type { Api } from './api.entity';

// RFC 8707 §2.2: a token for an API carries only that API's scopes (RFC 6749 §3.3: the response's
// `scope` says what was granted). Answers the problem when none is left.
export function scopeForApi(scope: string[], api: Api | null): string[] | string {
  if (!api) {
    return scope;
  }
  const limited = scope.filter((value) => api.scopes.some((defined) => defined.value === value));
  return limited.length > 0 ? limited : 'none of the requested scopes is a scope of this API';
}
