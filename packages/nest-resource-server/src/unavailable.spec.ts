import { Controller, Get } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResourceServerModule } from './resource-server.module';
import { Scopes } from './scopes.decorator';

@Controller()
class NotesController {
  @Get('notes')
  @Scopes('notes:read')
  list() {
    return { ok: true };
  }
}

const UNAVAILABLE = {
  error: 'temporarily_unavailable',
  error_description: 'the authorization server could not be reached',
};
const JWT_SHAPED = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

async function appFor(issuer: string): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ResourceServerModule.forRoot({
        issuer,
        audience: 'https://notes.example',
        introspection: { clientId: 'rs', clientSecret: 'secret' },
      }),
    ],
    controllers: [NotesController],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const listen = async (handler: Parameters<typeof createServer>[1]) => {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};
const closed = async () => {
  const { server, url } = await listen(() => undefined);
  await new Promise((resolve) => server.close(resolve));
  return url; // nothing listens there any more: connections are refused
};

describe('ResourceServerGuard when Portcullis cannot be reached', () => {
  const apps: NestFastifyApplication[] = [];
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });
  const get = async (issuer: string, token: string) => {
    const app = await appFor(issuer);
    apps.push(app);
    return app.inject({
      method: 'GET',
      url: '/notes',
      headers: { authorization: `Bearer ${token}` },
    });
  };
  const expectUnavailable = (res: Awaited<ReturnType<typeof get>>) => {
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.json()).toEqual(UNAVAILABLE);
  };

  it('should answer 503 with Retry-After when the metadata cannot be fetched', async () => {
    expectUnavailable(await get(await closed(), 'opaque-token'));
  });

  it('should answer 503 when the metadata answers a server error', async () => {
    const { server, url } = await listen((_req, res) => res.writeHead(502).end());
    servers.push(server);
    expectUnavailable(await get(url, 'opaque-token'));
  });

  it('should answer 503 when the introspection endpoint or the JWKS is unreachable', async () => {
    const gone = await closed();
    const { server, url } = await listen((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jwks_uri: `${gone}/jwks`, introspection_endpoint: `${gone}/i` }));
    });
    servers.push(server);
    expectUnavailable(await get(url, 'opaque-token'));
    expectUnavailable(await get(url, JWT_SHAPED));
  });
});
