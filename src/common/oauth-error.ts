// Error codes of RFC 6749 §4.1.2.1 and §5.2 and RFC 6750 §3.1.
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'server_error'
  | 'temporarily_unavailable';

// Where an authorization endpoint error may be sent: only once client_id and redirect_uri are
// verified (RFC 6749 §4.1.2.1). Without it the error is shown to the user instead.
export type ErrorRedirect = { redirectUri: string; state: string | null };

export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
    readonly redirect?: ErrorRedirect,
  ) {
    super(description);
  }
}
