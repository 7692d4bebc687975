import { Injectable, NestMiddleware } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { parse } from 'cookie';
import type { NextFunction, Request, Response } from 'express';
import { Env } from '../config/env.validation';
import { BrowserSession, SESSION_TTL_SECONDS, SessionService } from './session.service';

declare module 'express' {
  // Declaration merging needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface Request {
    browserSession?: BrowserSession;
  }
}

// Loads the browser session for the hosted pages, or starts one (stored once a page saves it). The cookie is HttpOnly and
// SameSite=Lax; in production it is also Secure and `__Host-` prefixed (host-only, path /).
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  private readonly production: boolean;
  readonly cookieName: string;

  constructor(
    private readonly sessions: SessionService,
    config: ConfigService<Env, true>,
  ) {
    this.production = config.get('NODE_ENV', { infer: true }) === 'production';
    this.cookieName = this.production ? '__Host-portcullis' : 'portcullis';
  }

  use(request: Request, response: Response, next: NextFunction): void {
    const id = parse(request.headers.cookie ?? '')[this.cookieName];
    this.sessions.load(id).then((loaded) => {
      const session = loaded ?? this.sessions.create();
      request.browserSession = session;
      this.sendCookieIfNew(response, session);
      next();
    }, next);
  }

  sendCookieIfNew(response: Response, session: BrowserSession): void {
    if (!session.isNew) {
      return;
    }
    response.cookie(this.cookieName, session.id, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.production,
      path: '/',
      maxAge: SESSION_TTL_SECONDS * 1000,
    });
  }

  clearCookie(response: Response): void {
    response.clearCookie(this.cookieName, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.production,
      path: '/',
    });
  }
}
