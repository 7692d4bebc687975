import { BadRequestException } from '@nestjs/common';

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

export function malformedBearerRequest(): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'invalid_request',
    message: 'The Authorization header must be "Bearer <token>" with exactly one token',
  });
}

// Node keeps only the first of repeated Authorization headers (and drops the rest silently), so
// the raw headers are counted: two sets of credentials are refused, never "first wins".
export function hasRepeatedAuthorization(rawHeaders: string[]): boolean {
  const names = rawHeaders.filter((value, index) => index % 2 === 0);
  return names.filter((name) => name.toLowerCase() === 'authorization').length > 1;
}
