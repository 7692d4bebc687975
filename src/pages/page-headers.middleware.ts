import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

// Headers of every hosted page and authorization response: nothing loads from elsewhere, nothing
// frames us, no Referer leaks a code or state, nothing is cached.
const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      // No form-action: browsers apply it to the redirect that follows a form post, which must
      // reach the client's redirect URI.
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
});

@Injectable()
export class PageHeadersMiddleware implements NestMiddleware {
  // Runs before Fastify's routing, on Node's own request and response.
  use(request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void): void {
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Pragma', 'no-cache');
    securityHeaders(request, response, next);
  }
}
