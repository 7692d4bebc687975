import type { Request } from 'express';

// The address login throttling counts attempts against: the socket's peer (there is no
// TRUST_PROXY setting yet, so X-Forwarded-For is never believed).
export function clientIp(request: Request): string {
  return request.ip ?? request.socket.remoteAddress ?? 'unknown';
}
