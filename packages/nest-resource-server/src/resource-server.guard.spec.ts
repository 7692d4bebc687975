import { Controller, Get, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { ResourceServerModule } from './resource-server.module';
import { Public, Scopes, TokenClaims } from './scopes.decorator';

const audience = 'https://notes.example';

@Controller()
class NotesController {
  @Get('notes')
  @Scopes('notes:read')
  list(@TokenClaims() claims: { sub: string }) {
    return { sub: claims.sub };
  }

  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }
}

describe('ResourceServerGuard', () => {
  let server: Server;
  let issuer: string;
  let privateKey: CryptoKey;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' };
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      const body = req.url === '/jwks' ? { keys: [jwk] } : { issuer, jwks_uri: `${issuer}/jwks` };
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const moduleRef = await Test.createTestingModule({
      imports: [ResourceServerModule.forRoot({ issuer, audience, realm: 'notes' })],
      controllers: [NotesController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await (app as INestApplication).close();
    await new Promise((resolve) => server.close(resolve));
  });

  const sign = (scope: string) =>
    new SignJWT({ scope, client_id: 'c1' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('c1')
      .setExpirationTime('1m')
      .sign(privateKey);

  const get = (url: string, token?: string) =>
    app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('should answer 200 with the claims when the JWT has the scope', async () => {
    const response = await get('/notes', await sign('notes:read'));
    expect([response.statusCode, response.json()]).toEqual([200, { sub: 'c1' }]);
  });

  it('should answer 401 without an error code when no token was sent', async () => {
    const response = await get('/notes');
    expect([response.statusCode, response.headers['www-authenticate']]).toEqual([
      401,
      'Bearer realm="notes"',
    ]);
  });

  it('should answer 403 insufficient_scope naming the scope when the scope is missing', async () => {
    const response = await get('/notes', await sign('notes:write'));
    expect(response.statusCode).toBe(403);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="notes", error="insufficient_scope", error_description="the token lacks a required scope", scope="notes:read"',
    );
  });

  it('should answer 401 invalid_token when the token is opaque and there is no introspection', async () => {
    const response = await get('/notes', 'opaque-token');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      error: 'invalid_token',
      error_description: 'token is invalid',
    });
  });

  it('should answer 200 without a token when the route is public', async () => {
    expect((await get('/health')).statusCode).toBe(200);
  });
});
