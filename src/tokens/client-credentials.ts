import type { TokenEndpointAuthMethod } from '../clients/client.entity';
import { OAuthError } from '../common/oauth-error';
import { RawParams, readParam } from '../common/oauth-params';

export type ClientCredentials = {
  method: TokenEndpointAuthMethod;
  clientId: string;
  secret?: string;
};

const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2})$/i;

export const clientAuthenticationFailed = () =>
  new OAuthError('invalid_client', 'client authentication failed', 401);

// RFC 6749 §2.3.1: the id and secret are form-encoded, then joined by ':' and base64-encoded.
// Answers undefined for anything else (another scheme, bad base64, no ':', bad %-escapes).
export function parseBasicCredentials(
  authorization: string,
): { clientId: string; secret: string } | undefined {
  const match = BASIC.exec(authorization);
  if (!match) {
    return undefined;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 1) {
    return undefined;
  }
  try {
    return {
      clientId: formDecode(decoded.slice(0, separator)),
      secret: formDecode(decoded.slice(separator + 1)),
    };
  } catch {
    return undefined;
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

// Which client authentication method the request uses (exactly one, RFC 6749 §2.3), and with
// what. Credentials come from the Authorization header or the form body, never the query string.
export function readClientCredentials(
  authorization: string | undefined,
  body: RawParams,
): ClientCredentials {
  const bodyClientId = readParam(body, 'client_id');
  const bodySecret = readParam(body, 'client_secret');
  if (authorization !== undefined) {
    const basic = parseBasicCredentials(authorization);
    if (!basic) {
      throw clientAuthenticationFailed();
    }
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'use one client authentication method per request');
    }
    if (bodyClientId !== undefined && bodyClientId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id does not match the Authorization header');
    }
    return { method: 'client_secret_basic', ...basic };
  }
  if (bodyClientId === undefined) {
    throw new OAuthError('invalid_client', 'client authentication is required', 401);
  }
  return bodySecret === undefined
    ? { method: 'none', clientId: bodyClientId }
    : { method: 'client_secret_post', clientId: bodyClientId, secret: bodySecret };
}
