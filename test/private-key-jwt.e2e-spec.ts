import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import request from 'supertest';
import { createClient } from './factories';
import { expectOAuthError, TOKEN_HEADERS } from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const ISSUER = 'http://localhost:3000';
const TOKEN_ENDPOINT = `${ISSUER}/oauth/token`;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

type Signer = {
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  publicJwk: JWK;
};

async function newSigner(kid: string): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } };
}

type Claims = { iss?: string; sub?: string; aud?: string; exp?: number; jti?: string };

// private_key_jwt (RFC 7523 §2.2, OpenID Connect Core §9).
describe('private_key_jwt client authentication', () => {
  let t: TestApp;
  let signer: Signer;
  let clientId: string;
  let jwksServer: Server;
  let served: JWK[] = [];

  const assertion = (claims: Claims = {}, key: Signer = signer, kid = key.publicJwk.kid!) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(claims.iss ?? clientId)
      .setSubject(claims.sub ?? clientId)
      .setAudience(claims.aud ?? TOKEN_ENDPOINT)
      .setIssuedAt(now)
      .setExpirationTime(claims.exp ?? now + 60)
      .setJti(claims.jti ?? randomUUID())
      .sign(key.privateKey);
  };
  const tokenWith = (signed: string, id = clientId, extra: Record<string, string> = {}) =>
    request(t.server)
      .post('/oauth/token')
      .type('form')
      .send({
        grant_type: 'client_credentials',
        client_id: id,
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: signed,
        ...extra,
      });
  const expectRefused = (res: request.Response) =>
    expectOAuthError(res, 401, 'invalid_client', 'client authentication failed');
  const keyClient = async (fields: Record<string, unknown>) =>
    (
      await createClient(t.server, {
        redirect_uris: [],
        grant_types: ['client_credentials'],
        scope: 'jobs',
        token_endpoint_auth_method: 'private_key_jwt',
        ...fields,
      }).expect(201)
    ).body as { client_id: string; client_secret?: string; jwks?: unknown };

  beforeAll(async () => {
    t = await createTestApp();
    signer = await newSigner('key-1');
    const created = await keyClient({ jwks: { keys: [signer.publicJwk] } });
    expect(created.client_secret).toBeUndefined();
    clientId = created.client_id;
    jwksServer = createServer((req, res) => {
      if (req.url === '/hang') {
        return; // never answers
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: served }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    jwksServer.closeAllConnections();
    await new Promise((resolve) => jwksServer.close(resolve));
    await t.close();
  });

  it('should issue a token to a client authenticated by its assertion', async () => {
    const res = await tokenWith(await assertion());
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject(TOKEN_HEADERS);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'jobs' });
  });

  it('should accept the issuer as the audience', async () => {
    await tokenWith(await assertion({ aud: ISSUER })).expect(200);
  });

  it('should refuse an assertion used a second time', async () => {
    const signed = await assertion();
    await tokenWith(signed).expect(200);
    expectRefused(await tokenWith(signed));
  });

  it.each([
    ['expired', { exp: Math.floor(Date.now() / 1000) - 60 }],
    ['for another audience', { aud: 'https://elsewhere.example.com/token' }],
    ['issued by someone else', { iss: 'someone-else' }],
    ['living too long', { exp: Math.floor(Date.now() / 1000) + 3600 }],
  ])('should refuse an assertion %s', async (_case, claims) => {
    expectRefused(await tokenWith(await assertion(claims)));
  });

  it('should refuse an assertion signed with an unknown key', async () => {
    const other = await newSigner('key-2');
    expectRefused(await tokenWith(await assertion({}, other)));
    expectRefused(await tokenWith(await assertion({}, other, 'key-1')));
  });

  it('should refuse a client_id that is not the assertion subject', async () => {
    const other = await keyClient({ jwks: { keys: [signer.publicJwk] } });
    expectRefused(await tokenWith(await assertion(), other.client_id));
  });

  it('should refuse an assertion together with a secret (two methods)', async () => {
    const res = await tokenWith(await assertion(), clientId, { client_secret: 'x' });
    expectOAuthError(
      res,
      400,
      'invalid_request',
      'use one client authentication method per request',
    );
  });

  it('should refuse another assertion type', async () => {
    const res = await tokenWith(await assertion(), clientId, {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
    });
    expectRefused(res);
  });

  it('should work at the introspection and revocation endpoints', async () => {
    const { access_token: token } = (await tokenWith(await assertion()).expect(200)).body as {
      access_token: string;
    };
    const form = (signed: string) => ({
      token,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: signed,
    });
    const seen = await request(t.server)
      .post('/oauth/introspect')
      .type('form')
      .send(form(await assertion({ aud: `${ISSUER}/oauth/introspect` })))
      .expect(200);
    expect(seen.body).toMatchObject({ active: true, sub: clientId });
    await request(t.server)
      .post('/oauth/revoke')
      .type('form')
      .send(form(await assertion({ aud: `${ISSUER}/oauth/revoke` })))
      .expect(200);
    const after = await request(t.server)
      .post('/oauth/introspect')
      .type('form')
      .send(form(await assertion()))
      .expect(200);
    expect(after.body).toEqual({ active: false });
  });

  it('should have no secret to rotate', async () => {
    const res = await request(t.server)
      .post(`/admin/clients/${clientId}/secret`)
      .set(adminAuth)
      .expect(400);
    expect(res.body.fields).toEqual({
      token_endpoint_auth_method: [
        'private_key_jwt clients have no secret to rotate: change their keys',
      ],
    });
  });

  it.each([
    [{ token_endpoint_auth_method: 'private_key_jwt' }, 'private_key_jwt needs jwks or jwks_uri'],
    [{ jwks: { keys: [{ kty: 'EC', d: 'secret' }] } }, 'jwks must hold public keys only'],
    [
      { token_endpoint_auth_method: 'client_secret_basic', jwks_uri: 'https://keys.example.com' },
      'jwks and jwks_uri are only for private_key_jwt',
    ],
  ])('should refuse to register %j', async (fields, message) => {
    const res = await createClient(t.server, {
      redirect_uris: [],
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      ...fields,
    }).expect(400);
    expect(Object.values(res.body.fields as Record<string, string[]>).flat()).toContain(message);
  });

  describe('jwks_uri', () => {
    let remoteId: string;
    let remote: Signer;

    beforeAll(async () => {
      remote = await newSigner('remote-1');
      served = [remote.publicJwk];
      const { port } = jwksServer.address() as AddressInfo;
      remoteId = (await keyClient({ jwks_uri: `http://127.0.0.1:${port}/jwks` })).client_id;
    });

    const remoteAssertion = (key: Signer) => assertion({ iss: remoteId, sub: remoteId }, key);

    it('should verify with the fetched keys, and fetch again for an unknown kid', async () => {
      await tokenWith(await remoteAssertion(remote), remoteId).expect(200);
      const rotated = await newSigner('remote-2');
      served = [rotated.publicJwk];
      // Past the refetch cooldown (2 s): an unknown kid then fetches the set again.
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await tokenWith(await remoteAssertion(rotated), remoteId).expect(200);
    });

    it('should refuse, after the fetch timeout, when the jwks_uri does not answer', async () => {
      const { port } = jwksServer.address() as AddressInfo;
      const hanging = (await keyClient({ jwks_uri: `http://127.0.0.1:${port}/hang` })).client_id;
      const started = Date.now();
      expectRefused(await tokenWith(await assertion({ iss: hanging, sub: hanging }), hanging));
      expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
      expect(Date.now() - started).toBeLessThan(6000);
    });
  });
});
