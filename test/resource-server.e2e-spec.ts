import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import request from 'supertest';
import type { App } from 'supertest/types';
import { NotesAppModule } from '../examples/notes-api/src/notes.module';
import { SigningKeysService } from '../src/tokens/signing-keys/signing-keys.service';
import { ClientCredentials, clientPost, registerClient, tokenRequest } from './helpers/oauth';
import { freePort } from './helpers/processes';
import { adminAuth, createTestApp, TestApp } from './helpers/test-app';

const NOTES = 'https://notes.example.com';
const REALM = 'notes';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// examples/notes-api, booted in-process, against a Portcullis listening on a real port: the guard
// reads the metadata and the JWKS, and introspects, over HTTP as it would in production.
describe('resource server package: examples/notes-api against a live Portcullis', () => {
  let t: TestApp;
  let issuer: string;
  let notesApiId: string;
  let notes: NestFastifyApplication;
  let notesServer: App;
  let machine: ClientCredentials;

  const tokenFor = async (scope: string, resource = NOTES) => {
    const res = await tokenRequest(t.server, machine, {
      grant_type: 'client_credentials',
      ...(scope ? { scope } : {}),
      ...(resource ? { resource } : {}),
    });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };
  const setFormat = (access_token_format: 'jwt' | 'opaque') =>
    request(t.server)
      .patch(`/admin/apis/${notesApiId}`)
      .set(adminAuth)
      .send({ access_token_format })
      .expect(200);
  const getNotes = (token: string) =>
    request(notesServer).get('/notes').set('Authorization', `Bearer ${token}`);
  const expectInvalidToken = (res: request.Response, description: string) => {
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_token', error_description: description });
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`,
    );
  };

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await createTestApp({ ISSUER: issuer });
    await t.app.listen(port, '127.0.0.1');

    const api = await request(t.server)
      .post('/admin/apis')
      .set(adminAuth)
      .send({
        identifier: NOTES,
        name: 'Notes API',
        scopes: [
          { value: 'notes:read', description: 'Read notes' },
          { value: 'notes:write', description: 'Write notes' },
        ],
      })
      .expect(201);
    notesApiId = api.body.id;
    machine = await registerClient(t.server, {
      client_name: 'notes machine',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scope: 'notes:read notes:write',
      access_token_format: 'jwt',
    });
    const introspector = await registerClient(t.server, {
      client_name: 'notes-api',
      redirect_uris: [],
      introspection_allowed: true,
    });

    const moduleRef = await Test.createTestingModule({
      imports: [
        NotesAppModule.forRoot({
          issuer,
          audience: NOTES,
          introspection: { clientId: introspector.id, clientSecret: introspector.secret! },
          introspectionCacheTtlSeconds: 1,
          realm: REALM,
        }),
      ],
    }).compile();
    notes = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await notes.init();
    await notes.getHttpAdapter().getInstance().ready();
    notesServer = notes.getHttpServer();
  });
  afterAll(async () => {
    await notes?.close();
    await t?.close();
  });

  it('should answer a public route without a token', async () => {
    const res = await request(notesServer).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('should accept a JWT with notes:read on GET /notes and name its caller', async () => {
    const res = await getNotes(await tokenFor('notes:read'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ notes: [], caller: { sub: machine.id, client_id: machine.id } });
  });

  it('should answer 403 insufficient_scope naming notes:write to POST /notes with only notes:read', async () => {
    const res = await request(notesServer)
      .post('/notes')
      .set('Authorization', `Bearer ${await tokenFor('notes:read')}`)
      .send({ text: 'hello' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'the token lacks a required scope',
    });
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="${REALM}", error="insufficient_scope", error_description="the token lacks a required scope", scope="notes:write"`,
    );
  });

  it('should let POST /notes through with notes:write and answer the caller', async () => {
    const res = await request(notesServer)
      .post('/notes')
      .set('Authorization', `Bearer ${await tokenFor('notes:write')}`)
      .send({ text: 'hello' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      note: { id: 1, text: 'hello', author: machine.id },
      caller: { sub: machine.id, client_id: machine.id },
    });
  });

  it('should answer a bare Bearer challenge without error when no token is sent', async () => {
    const res = await request(notesServer).get('/notes');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({});
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="${REALM}"`);
  });

  it('should refuse a token for another audience (the built-in API)', async () => {
    const token = await tokenFor('', '');
    expectInvalidToken(await getNotes(token), 'token is invalid');
  });

  it('should refuse a JWT signed by a key Portcullis does not publish', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const kid = (await exportJWK(publicKey)).x!.slice(0, 16);
    const forged = await new SignJWT({ scope: 'notes:read', client_id: machine.id })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .setIssuer(issuer)
      .setAudience(NOTES)
      .setSubject(machine.id)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    expectInvalidToken(await getNotes(forged), 'unknown signing key');
  });

  it('should refuse a JWT signed by Portcullis that has expired', async () => {
    // The shortest API lifetime is 60 s: this token is signed in-process with the active key.
    const signer = await t.app.get(SigningKeysService).signer();
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ scope: 'notes:read', client_id: machine.id })
      .setProtectedHeader({ alg: signer.alg, typ: 'at+jwt', kid: signer.kid })
      .setIssuer(issuer)
      .setAudience(NOTES)
      .setSubject(machine.id)
      .setIssuedAt(now - 120)
      .setExpirationTime(now - 60)
      .sign(signer.key);
    expectInvalidToken(await getNotes(expired), 'token expired');
  });

  describe('opaque tokens (introspection, cached for 1 s)', () => {
    beforeAll(async () => {
      await setFormat('opaque');
    });
    afterAll(async () => {
      await setFormat('jwt');
    });

    it('should accept an opaque token with notes:read through introspection', async () => {
      const token = await tokenFor('notes:read');
      expect(token).not.toMatch(/\./);
      const res = await getNotes(token);
      expect(res.status).toBe(200);
      expect(res.body.caller).toEqual({ sub: machine.id, client_id: machine.id });
    });

    it('should accept a revoked token while its answer is cached, and refuse it after the ttl', async () => {
      const token = await tokenFor('notes:read');
      expect((await getNotes(token)).status).toBe(200);
      await clientPost(t.server, '/oauth/revoke', machine, { token }).expect(200);

      expect((await getNotes(token)).status).toBe(200);
      await sleep(1100);
      expectInvalidToken(await getNotes(token), 'token is not active');
    });
  });

  it('should verify a JWT signed with a key rotated in after the JWKS was fetched', async () => {
    expect((await getNotes(await tokenFor('notes:read'))).status).toBe(200);
    const { activated } = await t.app.get(SigningKeysService).rotate();
    const token = await tokenFor('notes:read');
    expect(decodeProtectedHeader(token).kid).toBe(activated.kid);
    // The key set is refetched for an unknown kid at most every 5 s (jose's cooldown): wait out the
    // fetch the first request of this test may have made.
    await sleep(5100);
    const res = await getNotes(token);
    expect(res.status).toBe(200);
  }, 20000);
});
