import { OAuthError } from '../common/oauth-error';
import { RawParams, readParam } from '../common/oauth-params';
import { resolveScope, scopeList } from '../common/scope';
import { resourceIndicatorProblem } from '../apis/resource-indicator';
import { pkceRequestProblem } from './pkce';

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
  // RFC 8707: the API the tokens are for (null: the built-in API); its registration is checked by
  // AuthorizationService.
  resource: string | null;
};

// The authorization request's checklist (RFC 6749 §4.1.1, RFC 7636 §4.3), in the order of
// §4.1.2.1, once the client and its redirect URI are verified (redirect-uri.ts): every failure is
// redirected to that URI with the state. 1. state is one value; 2. response_type is code (§3.1.1);
// 3. the client may use the code grant (§4.1.2.1 unauthorized_client); 4. scope within the
// client's (§3.3); 5. PKCE (pkce.ts).
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
  const resource = read('resource');
  const audience = read('audience');
  if (resource !== undefined && audience !== undefined && resource !== audience) {
    throw fail('invalid_target', 'send resource or audience, not both');
  }
  const indicator = resource ?? audience;
  const resourceProblem = indicator === undefined ? undefined : resourceIndicatorProblem(indicator);
  if (resourceProblem) {
    throw fail('invalid_target', `resource ${resourceProblem}`);
  }
  const codeChallenge = read('code_challenge');
  const method = read('code_challenge_method');
  const pkceProblem = pkceRequestProblem(
    codeChallenge,
    method,
    client.isPublic || client.requirePkce,
  );
  if (pkceProblem) {
    throw fail('invalid_request', pkceProblem);
  }
  return {
    clientId: client.clientId,
    redirectUri,
    scope,
    state,
    codeChallenge: codeChallenge ?? null,
    resource: indicator ?? null,
  };
}
