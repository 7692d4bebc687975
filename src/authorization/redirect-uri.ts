import { OAuthError } from '../common/oauth-error';

// Redirect URIs are compared byte for byte, never normalised (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3):
// case, a trailing slash, a default port, percent-encoding and dot segments all make another URI.

// At the authorization endpoint: the requested URI must be registered; when the request names
// none, the client must have exactly one (§3.1.2.3). Failures here are never redirected
// (§4.1.2.1).
export function resolveRedirectUri(registered: string[], requested: string | undefined): string {
  if (requested === undefined) {
    if (registered.length === 1) {
      return registered[0];
    }
    throw new OAuthError('invalid_request', 'redirect_uri is required for this client');
  }
  if (!registered.includes(requested)) {
    throw new OAuthError('invalid_request', 'redirect_uri is not registered for this client');
  }
  return requested;
}

// At the token endpoint (§4.1.3): the same URI the code was issued for. It may be left out only
// when the client has that single URI registered: only then could the authorization request
// leave it out.
export function tokenRedirectUriProblem(
  codeRedirectUri: string,
  presented: string | undefined,
  registered: string[],
): string | undefined {
  if (presented === undefined) {
    return registered.length === 1 && registered[0] === codeRedirectUri
      ? undefined
      : 'redirect_uri is required';
  }
  return presented === codeRedirectUri
    ? undefined
    : 'redirect_uri does not match the authorization request';
}
