import { OAuthError } from '../common/oauth-error';
import { RawParams, readParam } from '../common/oauth-params';
import { resolveScope, scopeList } from '../common/scope';
import { isWellFormedPkceValue } from './pkce';

export type ClientForAuthorization = {
  clientId: string;
  redirectUris: string[];
  grantTypes: string[];
  scope: string;
  requirePkce: boolean;
  isPublic: boolean;
};

export type AuthorizationRequest = {
  clientId: string;
  redirectUri: string;
  scope: string[];
  state: string | null;
  codeChallenge: string | null;
};

// RFC 6749 §3.1.2.3: an exact, byte-for-byte match with a registered URI; when the request names
// none, the client must have exactly one. Failures here are never redirected.
export function resolveRedirectUri(client: ClientForAuthorization, requested: string | undefined) {
  if (requested === undefined) {
    if (client.redirectUris.length === 1) {
      return client.redirectUris[0];
    }
    throw new OAuthError('invalid_request', 'redirect_uri is required for this client');
  }
  if (!client.redirectUris.includes(requested)) {
    throw new OAuthError('invalid_request', 'redirect_uri is not registered for this client');
  }
  return requested;
}

// RFC 6749 §4.1.1 and RFC 7636 §4.3, checked in the order of §4.1.2.1 once the client and its
// redirect URI are known; every failure is redirected to that URI with the state.
export function validateAuthorizationRequest(
  client: ClientForAuthorization,
  redirectUri: string,
  params: RawParams,
): AuthorizationRequest {
  // The state goes back with every error, unless it is itself what is wrong.
  let state: string | null = null;
  try {
    state = readParam(params, 'state') ?? null;
  } catch {
    // Reported below, once state is read in order.
  }
  const redirect = { redirectUri, state };
  const fail = (code: ConstructorParameters<typeof OAuthError>[0], description: string) =>
    new OAuthError(code, description, 400, { redirect });
  const read = (name: string) => {
    try {
      return readParam(params, name);
    } catch (error) {
      throw fail('invalid_request', (error as OAuthError).description);
    }
  };

  read('state');
  const responseType = read('response_type');
  if (responseType === undefined) {
    throw fail('invalid_request', 'response_type is required');
  }
  if (responseType !== 'code') {
    throw fail('unsupported_response_type', 'only response_type=code is supported');
  }
  if (!client.grantTypes.includes('authorization_code')) {
    throw fail('unauthorized_client', 'this client may not use the authorization code grant');
  }
  const scope = resolveScope(read('scope'), scopeList(client.scope));
  if (typeof scope === 'string') {
    throw fail('invalid_scope', scope);
  }
  const codeChallenge = read('code_challenge');
  const method = read('code_challenge_method');
  const pkceProblem = checkPkce(codeChallenge, method, client.isPublic || client.requirePkce);
  if (pkceProblem) {
    throw fail('invalid_request', pkceProblem);
  }
  return {
    clientId: client.clientId,
    redirectUri,
    scope,
    state,
    codeChallenge: codeChallenge ?? null,
  };
}

// PKCE with S256 only: `plain` (and a challenge without a method, which means plain) is refused.
function checkPkce(
  challenge: string | undefined,
  method: string | undefined,
  required: boolean,
): string | undefined {
  if (challenge === undefined) {
    if (method !== undefined) {
      return 'code_challenge_method given without code_challenge';
    }
    return required ? 'code_challenge is required (PKCE with S256)' : undefined;
  }
  if (method !== 'S256') {
    return 'code_challenge_method must be S256';
  }
  return isWellFormedPkceValue(challenge)
    ? undefined
    : 'code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]';
}
