import { INestApplication } from '@nestjs/common';
import { createServer, IncomingHttpHeaders, request, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export type RawResponse = { status: number; headers: IncomingHttpHeaders; body: string };

// Sends headers exactly as listed (name, value, name, value…), repeats included, which supertest
// cannot do. The request goes to a server of its own that hands it to the app's.
export async function rawRequest(
  app: INestApplication,
  options: { method: string; path: string; headers: string[]; body?: string },
): Promise<RawResponse> {
  const appServer = app.getHttpServer() as Server;
  const server = createServer((req, res) => appServer.emit('request', req, res)).listen(0);
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<RawResponse>((resolve, reject) => {
      const req = request({
        port,
        method: options.method,
        path: options.path,
        headers: ['Host', 'localhost', ...options.headers],
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end(options.body);
    });
  } finally {
    server.close();
  }
}
