import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { Agent, fetch as undiciFetch } from 'undici';

export type TlsFixture = { key: string; cert: string };

// A throwaway self-signed certificate for localhost, made with openssl.
export function localhostCertificate(): TlsFixture {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'pipe' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A TLS-terminating reverse proxy on 127.0.0.1:port in front of `upstream` (an http:// base URL),
// as Portcullis is deployed in production.
export function httpsProxy(tls: TlsFixture, port: number, upstream: string): Promise<Server> {
  const target = new URL(upstream);
  const server = createServer(tls, (incoming, outgoing) => {
    const forwarded = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

// fetch that trusts the test certificate (and only it), as a client configured with a private CA.
// close() ends its connections.
export function fetchTrusting(tls: TlsFixture): {
  fetch: typeof fetch;
  close: () => Promise<void>;
} {
  const dispatcher = new Agent({ connect: { ca: tls.cert } });
  const trusting = (url: string, init?: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher });
  return { fetch: trusting as unknown as typeof fetch, close: () => dispatcher.close() };
}
