// Error codes of RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 8707 §2 (invalid_target) and
// OpenID Connect Core §3.1.2.6.
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
  | 'invalid_target'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'request_not_supported'
  | 'request_uri_not_supported';

// Where an authorization endpoint error may be sent: only once client_id and redirect_uri are
// verified (RFC 6749 §4.1.2.1). Without it the error is shown to the user instead.
export type ErrorRedirect = { redirectUri: string; state: string | null };

export type OAuthErrorOptions = {
  redirect?: ErrorRedirect;
  // Sent as Retry-After (429 from login throttling, 503 when the database cannot answer).
  retryAfterSeconds?: number;
  // RFC 6750 §3: the scope a protected resource needs (with insufficient_scope).
  scope?: string;
  // RFC 6750 §3.1: the request carried no credentials at all, so the challenge names no error.
  noCredentials?: boolean;
};

export type OAuthErrorBody = { error: OAuthErrorCode; error_description: string };

// Every failure the server answers with is an OAuthError, or is classified into one
// (common/error-classification.ts); common/error-response.ts puts it on the wire.
export class OAuthError extends Error {
  readonly redirect?: ErrorRedirect;
  readonly retryAfterSeconds?: number;
  readonly scope?: string;
  readonly noCredentials: boolean;

  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
    options: OAuthErrorOptions = {},
  ) {
    super(description);
    this.redirect = options.redirect;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.scope = options.scope;
    this.noCredentials = options.noCredentials ?? false;
  }

  // RFC 6749 §5.2, RFC 6750 §3
  toResponseBody(): OAuthErrorBody {
    return { error: this.code, error_description: this.description };
  }
}

// For work that must commit before it fails (a spent code, a revoked family): the transaction
// returns its OAuthError instead of throwing it (which would roll back), and this throws it after.
export function throwIfOAuthError<T>(outcome: T | OAuthError): T {
  if (outcome instanceof OAuthError) {
    throw outcome;
  }
  return outcome;
}
