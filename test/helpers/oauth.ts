import request from 'supertest';
import type { App } from 'supertest/types';
import { STRONG_PASSWORD } from '../factories';
import { Browser, pkcePair, redirectParams } from './browser';

export const CALLBACK = 'https://app.example.com/callback';

// What every token endpoint answer is sent with (RFC 6749 §5.1-5.2).
export const TOKEN_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
};

export type IssuedCode = { code: string; verifier: string };

type CodeOptions = {
  clientId: string;
  scope?: string;
  redirectUri?: string;
  username?: string;
  // false: an authorization request without PKCE (for a client with require_pkce false).
  pkce?: boolean;
};

// Signs a user in on a new browser and runs one authorization request to the code, approving
// consent when asked.
export async function obtainCode(server: App, options: CodeOptions): Promise<IssuedCode> {
  const { verifier, challenge } = pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri ?? CALLBACK,
    scope: options.scope ?? 'profile email',
    state: 'state-1',
    ...(options.pkce === false ? {} : { code_challenge: challenge, code_challenge_method: 'S256' }),
  });
  const browser = new Browser(server);
  await browser.signIn(options.username ?? 'alice', STRONG_PASSWORD);
  let res = await browser.get(`/oauth/authorize?${query.toString()}`);
  if (res.headers.location?.startsWith('/consent?request=')) {
    const requestId = res.headers.location.split('=')[1];
    await browser.get(res.headers.location);
    res = await browser.post('/consent', {
      csrf_token: browser.csrf,
      request: requestId,
      decision: 'approve',
    });
  }
  const { code } = redirectParams(res);
  if (res.status !== 303 || !code) {
    throw new Error(`no code: ${res.status} ${res.headers.location}`);
  }
  return { code, verifier };
}

export type ClientCredentials = { id: string; secret?: string };

// A token request as a client library sends it: form-encoded, the client authenticated with HTTP
// Basic when it has a secret (client_secret_basic), by client_id alone when it has none.
export function tokenRequest(server: App, client: ClientCredentials, form: Record<string, string>) {
  const req = request(server).post('/oauth/token').type('form');
  if (client.secret !== undefined) {
    req.auth(client.id, client.secret);
    return req.send(form);
  }
  return req.send({ client_id: client.id, ...form });
}

export function exchangeCode(
  server: App,
  client: ClientCredentials,
  { code, verifier }: IssuedCode,
  extra: Record<string, string> = {},
) {
  return tokenRequest(server, client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: CALLBACK,
    code_verifier: verifier,
    ...extra,
  });
}

export function refresh(server: App, client: ClientCredentials, refreshToken: string, extra = {}) {
  return tokenRequest(server, client, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...extra,
  });
}

export function callMe(server: App, accessToken: string) {
  return request(server).get('/api/me').set('Authorization', `Bearer ${accessToken}`);
}
