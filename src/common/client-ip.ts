import type { HttpRequest } from './http';

// The address login throttling and the audit trail count against: the socket's peer, or, when
// that peer is a proxy listed in TRUST_PROXY, the client X-Forwarded-For names through the trusted
// hops (Fastify's trustProxy, set in app.setup.ts). A spoofed header from any other peer is ignored.
export function clientIp(request: HttpRequest): string {
  return request.ip || 'unknown';
}
