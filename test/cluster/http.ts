import { createHash, randomBytes } from 'node:crypto';
import { ClientCredentials } from '../helpers/oauth';

export const CALLBACK = 'https://app.example.com/callback';

export type Answer = { status: number; headers: Headers; body: Record<string, unknown> };

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body };
}

// A form POST authenticated with client_secret_basic, over fetch (keep-alive): the cluster suite
// sends tens of thousands of these.
export async function clientPost(
  baseUrl: string,
  path: string,
  client: ClientCredentials,
  form: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Answer> {
  const basic = Buffer.from(
    `${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret ?? '')}`,
  ).toString('base64');
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return answer(response);
}

export async function get(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  return answer(response);
}

export type Code = { code: string; verifier: string };

// One authorization request (PKCE S256) by a signed-in browser, for a client with skip_consent:
// the code from the redirect.
export async function authorize(
  baseUrl: string,
  sessionCookie: string,
  clientId: string,
): Promise<Code> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: 'profile email',
    state: 's',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const res = await get(baseUrl, `/oauth/authorize?${query.toString()}`, {
    cookie: sessionCookie,
  });
  const location = res.headers.get('location') ?? '';
  const code = location.startsWith(CALLBACK) ? new URL(location).searchParams.get('code') : null;
  if (res.status !== 303 || code === null) {
    throw new Error(`no code from ${baseUrl}: ${res.status} ${location}`);
  }
  return { code, verifier };
}

export function redeem(baseUrl: string, client: ClientCredentials, { code, verifier }: Code) {
  return clientPost(baseUrl, '/oauth/token', client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: CALLBACK,
    code_verifier: verifier,
  });
}

export function refresh(baseUrl: string, client: ClientCredentials, refreshToken: string) {
  return clientPost(baseUrl, '/oauth/token', client, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
}

export function callMe(baseUrl: string, accessToken: string) {
  return get(baseUrl, '/api/me', { authorization: `Bearer ${accessToken}` });
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
