// RFC 6750 §2.1: `Authorization: Bearer <b64token>`. Tokens in the query string (§2.3) are ignored;
// a request carrying the header twice is refused by the caller (one method only, §2).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export type BearerParseResult =
  { kind: 'missing' } | { kind: 'malformed' } | { kind: 'token'; token: string };

export function parseBearerHeader(header: string | string[] | undefined): BearerParseResult {
  if (header === undefined || header === '') {
    return { kind: 'missing' };
  }
  if (Array.isArray(header)) {
    return { kind: 'malformed' };
  }
  const match = BEARER.exec(header.trim());
  return match ? { kind: 'token', token: match[1] } : { kind: 'malformed' };
}
