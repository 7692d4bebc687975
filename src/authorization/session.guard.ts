import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { parse } from 'cookie';
import type { Request, Response } from 'express';
import { Env } from '../config/env.validation';
import { BrowserSession, SESSION_TTL_SECONDS, SessionService } from './session.service';

declare module 'express' {
  // Declaration merging needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface Request {
    browserSession?: BrowserSession;
  }
}

// The session cookie: HttpOnly and SameSite=Lax; in production also Secure and `__Host-` prefixed
// (host-only, path /).
@Injectable()
export class SessionCookie {
  private readonly production: boolean;
  readonly name: string;

  constructor(config: ConfigService<Env, true>) {
    this.production = config.get('NODE_ENV', { infer: true }) === 'production';
    this.name = this.production ? '__Host-portcullis' : 'portcullis';
  }

  read(request: Request): string | undefined {
    return parse(request.headers.cookie ?? '')[this.name];
  }

  sendIfNew(response: Response, session: BrowserSession): void {
    if (session.isNew) {
      response.cookie(this.name, session.id, {
        ...this.attributes(),
        maxAge: SESSION_TTL_SECONDS * 1000,
      });
    }
  }

  clear(response: Response): void {
    response.clearCookie(this.name, this.attributes());
  }

  private attributes() {
    return { httpOnly: true, sameSite: 'lax', secure: this.production, path: '/' } as const;
  }
}

// Loads the browser session of the hosted pages, or starts one (stored once a page saves it).
// A guard rather than a middleware, so a database failure here is answered like any other on
// these routes.
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionService,
    private readonly cookie: SessionCookie,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const session = (await this.sessions.load(this.cookie.read(request))) ?? this.sessions.create();
    request.browserSession = session;
    this.cookie.sendIfNew(context.switchToHttp().getResponse<Response>(), session);
    return true;
  }
}
