// RFC 6749 §3.3: scope = scope-token *( SP scope-token ); scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

// Scopes Portcullis itself gives meaning to (OpenID Connect, GET /api/me and the admin routes);
// clients may be registered with others for their own APIs.
export const BUILT_IN_SCOPES = [
  'openid',
  'profile',
  'email',
  'phone',
  'address',
  'admin',
  'developer',
  'account',
];

// OpenID Connect Core §3.1.2.1: the scope that makes a request an OpenID one. Every client may ask
// for it (it grants no data by itself), but it is never added when the scope is omitted, so a
// client that does not ask for it sees plain OAuth.
export const OPENID_SCOPE = 'openid';

// Scopes that act for the user on this server itself (administer it, manage their applications,
// revoke their connected apps): never for developers' third-party applications.
export const FIRST_PARTY_SCOPES = ['admin', 'developer', 'account'];

export function isWellFormedScope(scope: string): boolean {
  return SCOPE.test(scope);
}

// A stored space-separated scope string as a list.
export function scopeList(scope: string): string[] {
  return scope.split(' ').filter(Boolean);
}

// What a client registered with `clientScope` may ask for: its scopes, and openid (which every
// client may ask for, never added by default).
export function requestableScopes(clientScope: string): string[] {
  const registered = scopeList(clientScope);
  return registered.includes(OPENID_SCOPE) ? registered : [...registered, OPENID_SCOPE];
}

// RFC 6749 §3.3 and §6: an omitted scope means everything `allowed`; a requested one must be a
// subset of it (never wider). Answers the scopes, or the problem (the invalid_scope description);
// `allowedIs` says what `allowed` is, for that description.
// The scope of a new grant (authorization or password request) for a client registered with
// `clientScope`.
export function resolveRequestedScope(
  requested: string | undefined,
  clientScope: string,
): string[] | string {
  return resolveScope(
    requested,
    requested === undefined ? scopeList(clientScope) : requestableScopes(clientScope),
  );
}

export function resolveScope(
  requested: string | undefined,
  allowed: string[],
  allowedIs = 'what this client may request',
): string[] | string {
  if (requested === undefined) {
    return allowed;
  }
  if (!isWellFormedScope(requested)) {
    return 'scope must be space-separated scope tokens';
  }
  const scopes = [...new Set(requested.split(' '))];
  return scopes.every((scope) => allowed.includes(scope)) ? scopes : `scope exceeds ${allowedIs}`;
}

// The scopes of a token that its client may still have: removing a scope from a client takes it
// from the client's live tokens too.
export function scopesStillAllowed(tokenScope: string, clientScope: string): string[] {
  const allowed = requestableScopes(clientScope);
  return scopeList(tokenScope).filter((scope) => allowed.includes(scope));
}
