import { OAuthError } from '../common/oauth-error';
import { RawParams, readParam } from '../common/oauth-params';
import { OPENID_SCOPE, resolveRequestedScope } from '../common/scope';
import { OpenIdRequest, readOpenIdRequest } from './openid-request';
import { pkceRequestProblem, pkceRequirementOf } from './pkce';
import { resourceIndicatorProblem } from '../apis/resource-indicator';

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
  // Whether the request named redirect_uri itself (RFC 6749 §4.1.3).
  redirectUriSent: boolean;
  scope: string[];
  state: string | null;
  codeChallenge: string | null;
  // Set when the scope has openid (OpenID Connect Core §3.1.2.1).
  openid: OpenIdRequest | null;
  // RFC 8707: the API the tokens are for (null: the built-in API); its registration is checked by
  // AuthorizationService.
  resource: string | null;
};

// The authorization request's checklist (RFC 6749 §4.1.1, RFC 7636 §4.3), in the order of
// §4.1.2.1, once the client and its redirect URI are verified (redirect-uri.ts): every failure is
// redirected to that URI with the state. 1. state is one value; 2. response_type is code (§3.1.1);
// 3. the client may use the code grant (§4.1.2.1 unauthorized_client); 4. scope within the
// client's (§3.3); 5. PKCE (pkce.ts); 6. with openid, the OpenID parameters (openid-request.ts).
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
  const scope = resolveRequestedScope(read('scope'), client.scope);
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
  const pkceProblem = pkceRequestProblem(codeChallenge, method, pkceRequirementOf(client));
  if (pkceProblem) {
    throw fail('invalid_request', pkceProblem);
  }
  return {
    clientId: client.clientId,
    redirectUri,
    redirectUriSent: readParam(params, 'redirect_uri') !== undefined,
    scope,
    state,
    codeChallenge: codeChallenge ?? null,
    openid: scope.includes(OPENID_SCOPE) ? readOpenIdRequest(read, fail) : null,
    resource: indicator ?? null,
  };
}
