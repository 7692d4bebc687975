import { createLocalJWKSet, JWTPayload, jwtVerify, ProtectedHeaderParameters } from 'jose';
import request, { Response } from 'supertest';
import type { App } from 'supertest/types';
import { STRONG_PASSWORD } from '../factories';
import { Browser, pkcePair, redirectParams } from './browser';
import { CALLBACK, ClientCredentials, tokenRequest } from './oauth';

export const OIDC_ISSUER = 'https://id.example.com';

export type AuthorizeOutcome = { res: Response; params: Record<string, string> };

// Runs an authorization request in `browser` up to the redirect to the client, approving consent
// when the consent page is shown.
export async function authorizeIn(
  browser: Browser,
  params: Record<string, string>,
): Promise<AuthorizeOutcome> {
  let res = await browser.get(`/oauth/authorize?${new URLSearchParams(params).toString()}`);
  if (res.headers.location?.startsWith('/consent?request=')) {
    const requestId = res.headers.location.split('=')[1];
    await browser.get(res.headers.location);
    res = await browser.post('/consent', {
      csrf_token: browser.csrf,
      request: requestId,
      decision: 'approve',
    });
  }
  const location = res.headers.location as string | undefined;
  const params_ = location?.startsWith('https://') ? redirectParams(res) : {};
  return { res, params: params_ };
}

export type OpenIdCode = { code: string; verifier: string; browser: Browser };

// Signs alice in on a new browser (or `browser`) and runs an OpenID authorization request to the
// code.
export async function openIdCode(
  server: App,
  clientId: string,
  extra: Record<string, string> = {},
  browser?: Browser,
): Promise<OpenIdCode> {
  const { verifier, challenge } = pkcePair();
  let signedIn = browser;
  if (!signedIn) {
    signedIn = new Browser(server);
    await signedIn.signIn('alice', STRONG_PASSWORD);
  }
  const { res, params } = await authorizeIn(signedIn, {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: 'openid',
    state: 'state-1',
    nonce: 'nonce-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  if (!params.code) {
    throw new Error(`no code: ${res.status} ${res.headers.location}`);
  }
  return { code: params.code, verifier, browser: signedIn };
}

export function exchangeOpenIdCode(server: App, client: ClientCredentials, issued: OpenIdCode) {
  return tokenRequest(server, client, {
    grant_type: 'authorization_code',
    code: issued.code,
    redirect_uri: CALLBACK,
    code_verifier: issued.verifier,
  });
}

export type VerifiedIdToken = { payload: JWTPayload; header: ProtectedHeaderParameters };

// Verifies an ID token as a relying party does: signature with a key of the published JWK Set,
// issuer, audience, expiry.
export async function verifyIdToken(
  server: App,
  idToken: string,
  audience: string,
): Promise<VerifiedIdToken> {
  const jwks = (await request(server).get('/oauth/jwks').expect(200)).body;
  const { payload, protectedHeader } = await jwtVerify(idToken, createLocalJWKSet(jwks), {
    issuer: OIDC_ISSUER,
    audience,
  });
  return { payload, header: protectedHeader };
}

export function userinfo(server: App, accessToken: string) {
  return request(server).get('/oauth/userinfo').set('Authorization', `Bearer ${accessToken}`);
}
