import { isWellFormedScope } from '../common/scope';
import type { FieldErrors } from '../common/validation';
import type { GrantType, TokenEndpointAuthMethod } from './client.entity';

const MAX_URI_LENGTH = 2000;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
// Spaces and C0/C1 controls: the URL parser drops or trims them, but the value is stored and
// compared as given (and a CR or LF would end up in a Location header).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SPACE_OR_CONTROL = /[\u0000-\u0020\u007f-\u009f]/;
const NO_SPACES_OR_CONTROLS = 'must not contain spaces or control characters';

function parseAbsoluteUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function isAllowedScheme(url: URL): boolean {
  return (
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))
  );
}

// RFC 6749 §3.1.2 and RFC 9700 §4.1.3: absolute, no fragment, https (http only for loopback),
// compared later byte for byte, so nothing here rewrites the value.
export function redirectUriProblem(uri: string): string | undefined {
  if (uri.length > MAX_URI_LENGTH) {
    return `must be at most ${MAX_URI_LENGTH} characters`;
  }
  if (SPACE_OR_CONTROL.test(uri)) {
    return NO_SPACES_OR_CONTROLS;
  }
  const url = parseAbsoluteUrl(uri);
  if (!url || !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    return 'must be an absolute URL';
  }
  if (uri.includes('#')) {
    return 'must not contain a fragment';
  }
  if (url.username || url.password) {
    return 'must not contain user information';
  }
  if (!isAllowedScheme(url)) {
    return 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
  }
  return undefined;
}

// CORS origins are compared with the browser's Origin header: scheme://host[:port], nothing more.
export function originProblem(origin: string): string | undefined {
  if (SPACE_OR_CONTROL.test(origin)) {
    return NO_SPACES_OR_CONTROLS;
  }
  const url = parseAbsoluteUrl(origin);
  if (!url || url.origin !== origin) {
    return 'must be an origin such as https://app.example.com (scheme, host and port only)';
  }
  if (!isAllowedScheme(url)) {
    return 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
  }
  return undefined;
}

// RFC 7591 client_uri: a page people can open, so http or https.
export function homepageProblem(uri: string): string | undefined {
  if (SPACE_OR_CONTROL.test(uri)) {
    return NO_SPACES_OR_CONTROLS;
  }
  const url = parseAbsoluteUrl(uri);
  if (uri.length > MAX_URI_LENGTH || !url || !/^https?:$/.test(url.protocol)) {
    return `must be an http or https URL of at most ${MAX_URI_LENGTH} characters`;
  }
  return url.username || url.password ? 'must not contain user information' : undefined;
}

export function scopeProblem(scope: string): string | undefined {
  return isWellFormedScope(scope)
    ? undefined
    : 'must be scope tokens separated by single spaces (RFC 6749 §3.3)';
}

// The grants that start a grant of their own (refresh_token only continues one).
const ISSUING_GRANTS: GrantType[] = ['authorization_code', 'password', 'client_credentials'];

export type ClientRules = {
  grantTypes: GrantType[];
  redirectUris: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  requirePkce: boolean;
  introspectionAllowed: boolean;
  jwks?: object | null;
  jwksUri?: string | null;
};

// RFC 7591 §2: grant_types defaults to authorization_code (with refresh_token here). A resource
// server registered only to introspect tokens (introspection_allowed, no redirect URI) gets no
// grant at all: it never obtains tokens of its own.
export function defaultGrantTypes(client: {
  introspectionAllowed: boolean;
  redirectUris: string[];
}): GrantType[] {
  return client.introspectionAllowed && client.redirectUris.length === 0
    ? []
    : ['authorization_code', 'refresh_token'];
}

// Rules that span several fields, checked on the complete metadata (on create and after a PATCH).
export function clientRuleProblems(client: ClientRules): FieldErrors {
  const problems: FieldErrors = {};
  const add = (field: string, problem: string) => (problems[field] ??= []).push(problem);
  const isPublic = client.tokenEndpointAuthMethod === 'none';

  if (client.grantTypes.length === 0 && !client.introspectionAllowed) {
    add(
      'grant_types',
      'may be empty only for a resource server that introspects tokens (introspection_allowed true)',
    );
  } else if (
    client.grantTypes.length > 0 &&
    !ISSUING_GRANTS.some((grant) => client.grantTypes.includes(grant))
  ) {
    add('grant_types', 'must include authorization_code, password or client_credentials');
  }
  if (client.grantTypes.includes('authorization_code') && client.redirectUris.length === 0) {
    add('redirect_uris', 'at least one redirect URI is required for the authorization_code grant');
  }
  if (isPublic && client.grantTypes.includes('password')) {
    add(
      'grant_types',
      'public clients (token_endpoint_auth_method none) cannot use the password grant',
    );
  }
  // RFC 6749 §4.4: only a client that can authenticate may get tokens for itself.
  if (isPublic && client.grantTypes.includes('client_credentials')) {
    add(
      'grant_types',
      'public clients (token_endpoint_auth_method none) cannot use the client_credentials grant',
    );
  }
  // RFC 7523 §2.2 / RFC 7591 §2: the keys that verify the client's assertions, one way or the other.
  const hasKeys = Boolean(client.jwks) || Boolean(client.jwksUri);
  if (client.tokenEndpointAuthMethod === 'private_key_jwt') {
    if (client.jwks && client.jwksUri) {
      add('jwks', 'give jwks or jwks_uri, not both');
    } else if (!hasKeys) {
      add('jwks', 'private_key_jwt needs jwks or jwks_uri');
    }
  } else if (hasKeys) {
    add('jwks', 'jwks and jwks_uri are only for private_key_jwt');
  }
  if (isPublic && !client.requirePkce) {
    add('require_pkce', 'public clients always require PKCE');
  }
  if (isPublic && client.introspectionAllowed) {
    add('introspection_allowed', 'public clients cannot authenticate to introspect tokens');
  }
  return problems;
}
