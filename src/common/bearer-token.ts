import { OAuthError } from './oauth-error';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export type BearerTokenResult =
  { kind: 'absent' } | { kind: 'token'; token: string } | { kind: 'malformed' };

// Reads the access token from the Authorization header only (never the query string). Another
// scheme (Basic, …) counts as "no bearer token" (RFC 6750 §3.1: no error code then).
export function readBearerToken(authorization: string | undefined): BearerTokenResult {
  if (authorization === undefined || !/^bearer(\s|$)/i.test(authorization)) {
    return { kind: 'absent' };
  }
  const match = BEARER.exec(authorization);
  return match ? { kind: 'token', token: match[1] } : { kind: 'malformed' };
}

// RFC 6750 §3.1: a request with a malformed header, or with more than one way of presenting a
// token, is invalid_request.
export function malformedBearerRequest(): OAuthError {
  return new OAuthError(
    'invalid_request',
    'send exactly one access token, in one Authorization: Bearer header',
  );
}

// Node keeps only the first of repeated Authorization headers (and drops the rest silently), so
// the raw headers are counted: two sets of credentials are refused, never "first wins".
export function hasRepeatedAuthorization(rawHeaders: string[]): boolean {
  const names = rawHeaders.filter((value, index) => index % 2 === 0);
  return names.filter((name) => name.toLowerCase() === 'authorization').length > 1;
}
