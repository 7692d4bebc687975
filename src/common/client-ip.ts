import type { HttpRequest } from './http';

// The address login throttling counts attempts against: the socket's peer (there is no
// TRUST_PROXY setting yet, so X-Forwarded-For is never believed).
export function clientIp(request: HttpRequest): string {
  return request.ip || 'unknown';
}
