import { OAuthError } from './oauth-error';

export type RawParams = Record<string, unknown>;

// Longest value accepted for any OAuth parameter (a pending authorization request is kept in the
// session, so this also bounds what a request can store).
export const MAX_PARAM_LENGTH = 2048;

// Every OAuth parameter is one string. A repeated name arrives as an array (and, in form bodies,
// so does `a[]=1` or `a[x]=1`: src/common/body-parsers.ts); the query parser keeps `a[x]` as a name
// of its own. All of these are refused, never "first wins" (RFC 6749 §3.1). An empty value counts
// as absent.
export function readParam(params: RawParams, name: string): string | undefined {
  const value = params[name];
  const structured = Object.keys(params).some((key) => key.startsWith(`${name}[`));
  if (structured || (value !== undefined && typeof value !== 'string')) {
    throw new OAuthError('invalid_request', `${name} must be given once, as a single value`);
  }
  if (value !== undefined && value.length > MAX_PARAM_LENGTH) {
    throw new OAuthError(
      'invalid_request',
      `${name} is longer than ${MAX_PARAM_LENGTH} characters`,
    );
  }
  return value === '' ? undefined : value;
}

export function requiredParam(value: string | undefined, name: string): string {
  if (value === undefined) {
    throw new OAuthError('invalid_request', `${name} is required`);
  }
  return value;
}
