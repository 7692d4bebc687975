import request from 'supertest';
import type { App } from 'supertest/types';
import { createClient, STRONG_PASSWORD } from '../factories';
import { Browser, pkcePair, redirectParams } from './browser';

export const CALLBACK = 'https://app.example.com/callback';

// What every token endpoint answer is sent with (RFC 6749 §5.1-5.2).
export const TOKEN_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
};

// RFC 6749 §5.2: an error answer of the token, revocation and introspection endpoints.
export function expectOAuthError(
  res: { status: number; headers: object; body: unknown },
  status: number,
  error: string,
  description: string,
) {
  expect(res.status).toBe(status);
  expect(res.headers).toMatchObject(TOKEN_HEADERS);
  expect(res.body).toEqual({ error, error_description: description });
}

// 401 invalid_client with the Basic challenge (RFC 6749 §5.2).
export function expectInvalidClient(res: request.Response, description: string) {
  expectOAuthError(res, 401, 'invalid_client', description);
  expect(res.headers['www-authenticate']).toBe('Basic realm="portcullis"');
}

const OPAQUE_TOKEN = /^[\w-]{43}$/;

// RFC 6749 §5.1: a successful answer with an access token (opaque unless `accessToken` says
// otherwise), a refresh token and the granted scope.
export function expectTokenResponse(
  res: request.Response,
  scope: string,
  accessToken: RegExp = OPAQUE_TOKEN,
) {
  expect(res.status).toBe(200);
  expect(res.headers).toMatchObject(TOKEN_HEADERS);
  expect(res.body).toEqual({
    access_token: expect.stringMatching(accessToken),
    token_type: 'Bearer',
    expires_in: 3600,
    refresh_token: expect.stringMatching(OPAQUE_TOKEN),
    scope,
  });
}

// RFC 6750 §3: what a protected route answers for a bad token, in the header and the body.
export const INVALID_TOKEN = {
  error: 'invalid_token',
  error_description: 'the access token is invalid or expired',
};
export const INVALID_TOKEN_CHALLENGE =
  'Bearer realm="portcullis", error="invalid_token", ' +
  'error_description="the access token is invalid or expired"';

// RFC 6750 §3.1: a valid token without the scope the route needs.
export function insufficientScopeChallenge(description: string, scope: string): string {
  return (
    'Bearer realm="portcullis", error="insufficient_scope", ' +
    `error_description="${description}", scope="${scope}"`
  );
}

export function expectInvalidToken(res: request.Response) {
  expect(res.status).toBe(401);
  expect(res.headers['www-authenticate']).toBe(INVALID_TOKEN_CHALLENGE);
  expect(res.body).toEqual(INVALID_TOKEN);
}

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

export type IssuedTokens = {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string;
};

// Registers a client through the admin API; its credentials (a secret for a confidential client).
export async function registerClient(
  server: App,
  fields: Record<string, unknown> = {},
): Promise<ClientCredentials> {
  const { body } = await createClient(server, fields).expect(201);
  return body.client_secret === undefined
    ? { id: body.client_id }
    : { id: body.client_id, secret: body.client_secret };
}

// A confidential first-party client for the password and refresh_token grants.
export function registerTrustedClient(server: App, fields: Record<string, unknown> = {}) {
  return registerClient(server, {
    grant_types: ['password', 'refresh_token'],
    redirect_uris: [],
    ...fields,
  });
}

// A POST to a client-authenticated endpoint as a client library sends it: form-encoded, the
// client authenticated with HTTP Basic when it has a secret (client_secret_basic), by client_id
// alone when it has none.
export function clientPost(
  server: App,
  path: string,
  client: ClientCredentials,
  form: Record<string, string>,
) {
  const req = request(server).post(path).type('form');
  if (client.secret !== undefined) {
    req.auth(client.id, client.secret);
    return req.send(form);
  }
  return req.send({ client_id: client.id, ...form });
}

export function tokenRequest(server: App, client: ClientCredentials, form: Record<string, string>) {
  return clientPost(server, '/oauth/token', client, form);
}

// Tokens from the password grant (the user's password is STRONG_PASSWORD).
export async function passwordTokens(
  server: App,
  client: ClientCredentials,
  form: { username?: string; scope?: string; resource?: string } = {},
): Promise<IssuedTokens> {
  const res = await tokenRequest(server, client, {
    grant_type: 'password',
    username: 'alice',
    password: STRONG_PASSWORD,
    ...form,
  }).expect(200);
  return res.body as IssuedTokens;
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
