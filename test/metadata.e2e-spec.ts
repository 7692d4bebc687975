import request from 'supertest';
import { createClient } from './factories';
import { createTestApp, TestApp } from './helpers/test-app';

const ISSUER = 'https://id.example.com';

describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ISSUER: `${ISSUER}/` });
    await createClient(t.server, {
      token_endpoint_auth_method: 'none',
      allowed_origins: ['https://spa.example.com'],
    }).expect(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should describe the issuer, every endpoint and what they support', async () => {
    const ALGS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];
    const res = await request(t.server).get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oauth/authorize`,
      token_endpoint: `${ISSUER}/oauth/token`,
      revocation_endpoint: `${ISSUER}/oauth/revoke`,
      introspection_endpoint: `${ISSUER}/oauth/introspect`,
      jwks_uri: `${ISSUER}/oauth/jwks`,
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
      token_endpoint_auth_signing_alg_values_supported: ALGS,
      revocation_endpoint_auth_signing_alg_values_supported: ALGS,
      introspection_endpoint_auth_signing_alg_values_supported: ALGS,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('should allow CORS for a listed client origin only', async () => {
    const allowed = await request(t.server)
      .get('/.well-known/oauth-authorization-server')
      .set('Origin', 'https://spa.example.com');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://spa.example.com');
    const other = await request(t.server)
      .get('/.well-known/oauth-authorization-server')
      .set('Origin', 'https://evil.example.com');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
