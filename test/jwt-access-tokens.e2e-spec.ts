import {
  createLocalJWKSet,
  JWK,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import request from 'supertest';
import { AccessToken } from '../src/tokens/access-token.entity';
import { createUser } from './factories';
import {
  callMe,
  ClientCredentials,
  clientPost,
  exchangeCode,
  expectInvalidToken,
  expectTokenResponse,
  obtainCode,
  passwordTokens,
  refresh,
  registerClient,
  registerTrustedClient,
  TOKEN_HEADERS,
} from './helpers/oauth';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const ISSUER = 'http://localhost:3000';
const AUDIENCE = `${ISSUER}/api`;

describe('JWT access tokens (RFC 9068)', () => {
  let t: TestApp;
  let client: ClientCredentials;
  let other: ClientCredentials;
  let resourceServer: ClientCredentials;
  let aliceId: string;

  beforeAll(async () => {
    t = await createTestApp();
    aliceId = (
      await createUser(t.server, { username: 'alice', email: 'alice@example.com' }).expect(201)
    ).body.id;
    await createUser(t.server, { username: 'carol' }).expect(201);
    client = await registerTrustedClient(t.server, {
      access_token_format: 'jwt',
      grant_types: ['authorization_code', 'password', 'refresh_token'],
      redirect_uris: ['https://app.example.com/callback'],
      skip_consent: true,
    });
    other = await registerTrustedClient(t.server, { access_token_format: 'jwt' });
    resourceServer = await registerTrustedClient(t.server, { introspection_allowed: true });
  });
  afterAll(async () => {
    await t.close();
  });

  const jwks = async () =>
    (await request(t.server).get('/oauth/jwks').expect(200)).body as { keys: JWK[] };
  // What a resource server does with the token (RFC 9068 §4): verify it against our JWK Set.
  const verifyAsResourceServer = async (token: string) =>
    jwtVerify(token, createLocalJWKSet(await jwks()), {
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
  const introspect = (as: ClientCredentials, token: string) =>
    clientPost(t.server, '/oauth/introspect', as, { token });
  const revoke = (as: ClientCredentials, token: string) =>
    clientPost(t.server, '/oauth/revoke', as, { token });

  it('should issue a signed at+jwt with the RFC 9068 claims from the password grant', async () => {
    const res = await clientPost(t.server, '/oauth/token', client, {
      grant_type: 'password',
      username: 'alice',
      password: 'lantern-orbit-velvet-42',
      scope: 'profile email',
    });
    expectTokenResponse(res, 'profile email', /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const token = res.body.access_token as string;
    const [active] = (await jwks()).keys;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: active.kid });
    const { payload } = await verifyAsResourceServer(token);
    expect(payload).toEqual({
      iss: ISSUER,
      sub: aliceId,
      aud: AUDIENCE,
      client_id: client.id,
      scope: 'profile email',
      iat: expect.any(Number),
      exp: (payload.iat as number) + 3600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(30);
  });

  it('should store no copy of the token, only its jti and grant', async () => {
    const { access_token } = await passwordTokens(t.server, client, { scope: 'profile' });
    const row = await t.dataSource
      .getRepository(AccessToken)
      .findOneByOrFail({ id: decodeJwt(access_token).jti });
    expect(row).toMatchObject({
      format: 'jwt',
      tokenHash: null,
      clientId: client.id,
      userId: aliceId,
    });
    expect(row.expiresAt.getTime() / 1000).toBe(decodeJwt(access_token).exp);
  });

  it('should issue JWTs from the authorization code and refresh grants too, each with its own jti', async () => {
    const issued = await obtainCode(t.server, { clientId: client.id, scope: 'email' });
    const first = (await exchangeCode(t.server, client, issued).expect(200)).body;
    const second = (await refresh(t.server, client, first.refresh_token).expect(200)).body;
    const claims = [first, second].map(({ access_token }) => decodeJwt(access_token));
    expect(claims.map(({ sub, client_id, scope }) => ({ sub, client_id, scope }))).toEqual([
      { sub: aliceId, client_id: client.id, scope: 'email' },
      { sub: aliceId, client_id: client.id, scope: 'email' },
    ]);
    expect(claims[0].jti).not.toBe(claims[1].jti);
    await callMe(t.server, second.access_token).expect(200, {
      sub: aliceId,
      username: 'alice',
      email: 'alice@example.com',
    });
  });

  it('should let /api/me accept the JWT and answer for its user and scope', async () => {
    const { access_token } = await passwordTokens(t.server, client, { scope: 'email' });
    const res = await callMe(t.server, access_token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: aliceId, username: 'alice', email: 'alice@example.com' });
  });

  it('should describe a live JWT at introspection, to its client and to a resource server', async () => {
    const { access_token } = await passwordTokens(t.server, client, { scope: 'profile' });
    const { iat, exp } = decodeJwt(access_token);
    const expected = {
      active: true,
      scope: 'profile',
      client_id: client.id,
      sub: aliceId,
      username: 'alice',
      token_type: 'Bearer',
      exp,
      iat,
      iss: ISSUER,
    };
    for (const caller of [client, resourceServer]) {
      const res = await introspect(caller, access_token);
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject(TOKEN_HEADERS);
      expect(res.body).toEqual(expected);
    }
    await introspect(other, access_token).expect(200, { active: false });
  });

  it('should make a revoked JWT refused at /api/me and inactive at introspection', async () => {
    const { access_token, refresh_token } = await passwordTokens(t.server, client);
    await callMe(t.server, access_token).expect(200);
    const res = await revoke(client, access_token);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expectInvalidToken(await callMe(t.server, access_token));
    await introspect(client, access_token).expect(200, { active: false });
    // The grant's refresh token is untouched.
    await refresh(t.server, client, refresh_token).expect(200);
  });

  it("should answer 200 and change nothing when another client revokes a client's JWT", async () => {
    const { access_token } = await passwordTokens(t.server, client);
    await revoke(other, access_token).expect(200);
    await callMe(t.server, access_token).expect(200);
  });

  it("should revoke a refresh token's JWT access tokens with it", async () => {
    const { access_token, refresh_token } = await passwordTokens(t.server, client);
    await revoke(client, refresh_token).expect(200);
    expectInvalidToken(await callMe(t.server, access_token));
    await introspect(client, access_token).expect(200, { active: false });
  });

  it('should refuse the JWTs of a user disabled after they were issued', async () => {
    const { access_token } = await passwordTokens(t.server, client, { username: 'carol' });
    const carol = decodeJwt(access_token).sub;
    await request(t.server)
      .patch(`/admin/users/${carol}`)
      .set(adminAuth)
      .send({ enabled: false })
      .expect(200);
    expectInvalidToken(await callMe(t.server, access_token));
    await introspect(client, access_token).expect(200, { active: false });
  });

  it('should refuse a JWT once its client is deleted', async () => {
    const doomed = await registerTrustedClient(t.server, { access_token_format: 'jwt' });
    const { access_token } = await passwordTokens(t.server, doomed);
    await request(t.server).delete(`/admin/clients/${doomed.id}`).set(adminAuth).expect(204);
    expectInvalidToken(await callMe(t.server, access_token));
  });

  it('should refuse a token signed by another key under our kid', async () => {
    const { access_token } = await passwordTokens(t.server, client);
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT(decodeJwt(access_token))
      .setProtectedHeader(decodeProtectedHeader(access_token) as { alg: string })
      .sign(privateKey);
    expectInvalidToken(await callMe(t.server, forged));
    await introspect(resourceServer, forged).expect(200, { active: false });
    // Revoking it does nothing to the real token with the same jti.
    await revoke(client, forged).expect(200);
    await callMe(t.server, access_token).expect(200);
  });

  it('should refuse an unsigned token (alg none) and a changed signature', async () => {
    const { access_token } = await passwordTokens(t.server, client);
    const [header, payload, signature] = access_token.split('.');
    // Our kid, so only the algorithm pinned to that key refuses it.
    const { kid } = decodeProtectedHeader(access_token);
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid })).toString(
      'base64url',
    );
    expectInvalidToken(await callMe(t.server, `${none}.${payload}.`));
    const changed = `${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expectInvalidToken(await callMe(t.server, `${header}.${payload}.${changed}`));
  });

  it('should keep issuing opaque tokens to clients that did not ask for JWTs', async () => {
    const opaque = await registerClient(t.server, {
      grant_types: ['password'],
      redirect_uris: [],
    });
    const { access_token } = await passwordTokens(t.server, opaque);
    expect(access_token).toMatch(/^[\w-]{43}$/);
    await callMe(t.server, access_token).expect(200);
  });

  it('should answer 503, never 401 or 200, on every JWT path while the database is down', async () => {
    const { access_token } = await passwordTokens(t.server, client);
    const { privateKey } = await generateKeyPair('ES256');
    const unknownKid = await new SignJWT(decodeJwt(access_token))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'not-in-memory' })
      .sign(privateKey);
    await t.dataSource.destroy();
    try {
      const issue = await clientPost(t.server, '/oauth/token', client, {
        grant_type: 'password',
        username: 'alice',
        password: 'lantern-orbit-velvet-42',
      });
      expect(issue.status).toBe(503);
      expect(issue.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'try again shortly',
      });
      for (const token of [access_token, unknownKid]) {
        const me = await callMe(t.server, token);
        expect(me.status).toBe(503);
        expect(me.headers['www-authenticate']).toBeUndefined();
      }
      expect((await revoke(client, access_token)).status).toBe(503);
      expect((await introspect(client, access_token)).status).toBe(503);
      const jwksDown = await request(t.server).get('/oauth/jwks');
      expect(jwksDown.status).toBe(503);
      expect(jwksDown.headers['cache-control']).toBeUndefined();
    } finally {
      await t.dataSource.initialize();
    }
    await callMe(t.server, access_token).expect(200);
  });
});
