import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, JWK } from 'jose';
import request from 'supertest';
import { createClient, createUser } from './factories';
import { passwordTokens, registerTrustedClient } from './helpers/oauth';
import { OIDC_ISSUER } from './helpers/oidc';
import { createTestApp, TestApp } from './helpers/test-app';

const SPA_ORIGIN = 'https://spa.example.com';

// OpenID Foundation Config OP certification profile (OpenID Connect Discovery 1.0).
// private_key_jwt assertions (RFC 7523), on each client-authenticated endpoint.
const ASSERTION_ALGORITHMS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];

describe('OpenID Connect Config OP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ISSUER: `${OIDC_ISSUER}/` });
    await createClient(t.server, {
      token_endpoint_auth_method: 'none',
      allowed_origins: [SPA_ORIGIN],
    }).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  const discover = () => request(t.server).get('/.well-known/openid-configuration');

  it('should serve every discovery field (oidcc-discovery-endpoint-verification)', async () => {
    const res = await discover();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body).toEqual({
      issuer: OIDC_ISSUER,
      authorization_endpoint: `${OIDC_ISSUER}/oauth/authorize`,
      token_endpoint: `${OIDC_ISSUER}/oauth/token`,
      revocation_endpoint: `${OIDC_ISSUER}/oauth/revoke`,
      introspection_endpoint: `${OIDC_ISSUER}/oauth/introspect`,
      jwks_uri: `${OIDC_ISSUER}/oauth/jwks`,
      userinfo_endpoint: `${OIDC_ISSUER}/oauth/userinfo`,
      end_session_endpoint: `${OIDC_ISSUER}/oauth/logout`,
      scopes_supported: [
        'openid',
        'profile',
        'email',
        'phone',
        'address',
        'admin',
        'developer',
        'account',
      ],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: [
        'authorization_code',
        'refresh_token',
        'password',
        'client_credentials',
      ],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
        'none',
      ],
      revocation_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
        'none',
      ],
      introspection_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
      ],
      token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
      revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
      introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      userinfo_signing_alg_values_supported: [],
      claims_supported: [
        'sub',
        'name',
        'family_name',
        'given_name',
        'middle_name',
        'nickname',
        'preferred_username',
        'profile',
        'picture',
        'website',
        'gender',
        'birthdate',
        'zoneinfo',
        'locale',
        'updated_at',
        'email',
        'email_verified',
        'address',
        'phone_number',
        'phone_number_verified',
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'nonce',
        'at_hash',
        'azp',
        'sid',
        'amr',
      ],
      claim_types_supported: ['normal'],
      claims_parameter_supported: true,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      require_request_uri_registration: false,
      display_values_supported: ['page', 'popup', 'touch', 'wap'],
      prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
    });
  });

  it('should name the issuer exactly as the discovery URL is built from it (oidcc-discovery-issuer-not-matching-config)', async () => {
    const { body } = await discover();
    // Discovery §4.3: the issuer the document was fetched for, byte for byte (no trailing slash).
    expect(`${body.issuer}/.well-known/openid-configuration`).toBe(
      `${OIDC_ISSUER}/.well-known/openid-configuration`,
    );
    const oauth = (await request(t.server).get('/.well-known/oauth-authorization-server')).body;
    for (const [name, value] of Object.entries(oauth)) {
      expect([name, body[name]]).toEqual([name, value]);
    }
  });

  it('should publish a valid JWK Set with the RS256 key of ID tokens (oidcc-discovery-jwks)', async () => {
    // The RS256 key (Discovery §3) is created by the first ID token signed with it: sign one.
    await createUser(t.server).expect(201);
    const trusted = await registerTrustedClient(t.server);
    const { id_token } = (await passwordTokens(t.server, trusted, { scope: 'openid' })) as {
      id_token?: string;
    };
    const res = await request(t.server).get('/oauth/jwks');
    expect(res.status).toBe(200);
    const keys = res.body.keys as JWK[];
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(keys.map((key) => key.kid)).toContain(decodeProtectedHeader(id_token!).kid);
    for (const key of keys) {
      expect(key.kid).toBe(await calculateJwkThumbprint(key));
      expect(key.use).toBe('sig');
      expect(key.d).toBeUndefined();
      await expect(importJWK(key, key.alg)).resolves.toBeDefined();
    }
  });

  it('should list openid in scopes_supported (oidcc-discovery-openid-scope)', async () => {
    const { body } = await discover();
    expect(body.scopes_supported).toContain('openid');
    expect(body.response_types_supported).toContain('code');
    expect(body.subject_types_supported).toEqual(['public']);
  });

  it('should allow CORS on discovery for a client origin only', async () => {
    const allowed = await discover().set('Origin', SPA_ORIGIN);
    expect(allowed.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    const other = await discover().set('Origin', 'https://evil.example.com');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
