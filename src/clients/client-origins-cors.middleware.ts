import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClientOrigins } from './client-origins.service';

// CORS for the routes a browser app calls directly (the token endpoint, the protected API): only
// an origin some enabled client lists in allowed_origins gets Access-Control-Allow-Origin, and
// never with credentials (these routes use no cookies). Preflights are answered here. Runs before
// Fastify's routing, on Node's own request and response.
@Injectable()
export class ClientOriginsCorsMiddleware implements NestMiddleware {
  constructor(private readonly origins: ClientOrigins) {}

  async use(
    request: IncomingMessage,
    response: ServerResponse,
    next: (error?: unknown) => void,
  ): Promise<void> {
    const origin = request.headers.origin;
    if (origin === undefined) {
      next();
      return;
    }
    response.appendHeader('Vary', 'Origin');
    try {
      if (!(await this.origins.isAllowedOrigin(origin))) {
        next();
        return;
      }
    } catch (error) {
      next(error);
      return;
    }
    response.setHeader('Access-Control-Allow-Origin', origin);
    if (request.method !== 'OPTIONS') {
      response.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate');
      next();
      return;
    }
    response.setHeader('Access-Control-Allow-Methods', 'GET, POST');
    response.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
    response.setHeader('Access-Control-Max-Age', '600');
    response.statusCode = 204;
    response.end();
  }
}
