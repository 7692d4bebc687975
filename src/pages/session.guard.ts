import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { parse, serialize } from 'cookie';
import type { HttpRequest, HttpResponse } from '../common/http';
import { Env } from '../config/env.validation';
import { BrowserSession, SESSION_TTL_SECONDS, SessionService } from './session.service';

declare module 'fastify' {
  // Declaration merging needs an interface.
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions
  interface FastifyRequest {
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

  read(request: HttpRequest): string | undefined {
    return parse(request.headers.cookie ?? '')[this.name];
  }

  sendIfNew(response: HttpResponse, session: BrowserSession): void {
    if (session.isNew) {
      const maxAge = SESSION_TTL_SECONDS;
      const expires = new Date(Date.now() + maxAge * 1000);
      this.send(response, session.id, { maxAge, expires });
    }
  }

  clear(response: HttpResponse): void {
    this.send(response, '', { expires: new Date(0) });
  }

  private send(
    response: HttpResponse,
    value: string,
    lifetime: { maxAge?: number; expires: Date },
  ) {
    response.header(
      'Set-Cookie',
      serialize(this.name, value, { ...this.attributes(), ...lifetime }),
    );
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
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const session = (await this.sessions.load(this.cookie.read(request))) ?? this.sessions.create();
    request.browserSession = session;
    this.cookie.sendIfNew(context.switchToHttp().getResponse<HttpResponse>(), session);
    return true;
  }
}
