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

// At the token endpoint (§4.1.3): the same URI the code was issued for. It is required when the
// authorization request named it, and may be left out only when that request left it out too.
export function tokenRedirectUriProblem(
  code: { redirectUri: string; redirectUriSent: boolean },
  presented: string | undefined,
): string | undefined {
  if (presented === undefined) {
    return code.redirectUriSent ? 'redirect_uri is required' : undefined;
  }
  return presented === code.redirectUri
    ? undefined
    : 'redirect_uri does not match the authorization request';
}
