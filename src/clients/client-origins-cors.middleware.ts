import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ClientsService } from './clients.service';

// CORS for the routes a browser app calls directly (the token endpoint, the protected API): only
// an origin some enabled client lists in allowed_origins gets Access-Control-Allow-Origin, and
// never with credentials (these routes use no cookies). Preflights are answered here.
@Injectable()
export class ClientOriginsCorsMiddleware implements NestMiddleware {
  constructor(private readonly clients: ClientsService) {}

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    const origin = request.headers.origin;
    if (origin === undefined) {
      next();
      return;
    }
    response.vary('Origin');
    try {
      if (!(await this.clients.isAllowedOrigin(origin))) {
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
    response.status(204).end();
  }
}
