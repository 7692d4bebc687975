import { OAuthError, OAuthErrorBody } from './oauth-error';

// The realm of every challenge this server sends.
export const REALM = 'portcullis';
export const CLIENT_AUTH_CHALLENGE = `Basic realm="${REALM}"`;

// How a route's failures reach the wire, declared on the route (common/error-style.ts):
// - oauth: RFC 6749 §5.2 JSON, never cached (token, revocation, introspection);
// - bearer: RFC 6750 §3 JSON with a Bearer challenge (routes behind an access token);
// - page: a redirect to the client (RFC 6749 §4.1.2.1, only to a verified redirect URI) or an
//   error page (the authorization endpoint and the hosted pages; pages/page-error.renderer.ts).
export type ErrorStyle = 'oauth' | 'bearer' | 'page';

export type WireError = {
  status: number;
  headers: Record<string, string>;
  body: OAuthErrorBody;
};

// The one mapping from an OAuthError to status, headers and body, for the JSON styles.
export function toWireError(error: OAuthError, style: 'oauth' | 'bearer'): WireError {
  const headers: Record<string, string> = {};
  if (style === 'oauth') {
    // RFC 6749 §5.1: no cache may keep an answer of the token endpoint.
    headers['Cache-Control'] = 'no-store';
    headers.Pragma = 'no-cache';
    if (error.code === 'invalid_client') {
      // RFC 7235 §3.1: every 401 carries a challenge.
      headers['WWW-Authenticate'] = CLIENT_AUTH_CHALLENGE;
    }
  } else if (error.status === 401 || error.status === 403 || error.code === 'invalid_request') {
    headers['WWW-Authenticate'] = bearerChallenge(error);
  }
  if (error.retryAfterSeconds !== undefined) {
    headers['Retry-After'] = String(error.retryAfterSeconds);
  }
  return { status: error.status, headers, body: error.toResponseBody() };
}

// RFC 6750 §3: `Bearer realm="…", error="…", error_description="…", scope="…"`; no error at all
// when the request carried no credentials (§3.1).
export function bearerChallenge(error: OAuthError): string {
  const params = [`realm="${REALM}"`];
  if (!error.noCredentials) {
    params.push(`error="${error.code}"`, `error_description="${quotable(error.description)}"`);
    if (error.scope !== undefined) {
      params.push(`scope="${error.scope}"`);
    }
  }
  return `Bearer ${params.join(', ')}`;
}

// RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E (no quote, no backslash).
function quotable(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}
