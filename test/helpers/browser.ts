import { createHash, randomBytes } from 'node:crypto';
import request, { Response } from 'supertest';
import type { App } from 'supertest/types';

// What every hosted page and authorization response is sent with (SECURITY.md).
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none';style-src 'self';img-src 'self';base-uri 'none';frame-ancestors 'none'",
};

// A browser over supertest: keeps the session cookie it is given (or told to forget) and reads
// the CSRF token of the last form it saw.
export class Browser {
  cookie: string | null = null;
  // The hidden fields of the last page with a form (its CSRF token, the pending request).
  hidden: Record<string, string> = {};

  constructor(
    private readonly server: App,
    readonly cookieName = 'portcullis',
  ) {}

  async get(path: string): Promise<Response> {
    return this.keep(await this.with(request(this.server).get(path)));
  }

  async post(path: string, form: Record<string, string | string[]>): Promise<Response> {
    return this.keep(await this.with(request(this.server).post(path).type('form').send(form)));
  }

  // The CSRF token of the last page, for a form post.
  get csrf(): string {
    if (this.hidden.csrf_token === undefined) {
      throw new Error('no form with a CSRF token seen yet');
    }
    return this.hidden.csrf_token;
  }

  // Submits the last sign-in form seen as a user would, hidden fields included.
  login(username: string, password: string): Promise<Response> {
    return this.post('/login', { ...this.hidden, username, password });
  }

  async signIn(username: string, password: string): Promise<Response> {
    await this.get('/login');
    return this.login(username, password);
  }

  private with(test: request.Test): request.Test {
    return this.cookie === null ? test : test.set('Cookie', `${this.cookieName}=${this.cookie}`);
  }

  private keep(res: Response): Response {
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    for (const header of setCookie) {
      const [pair] = header.split(';');
      const [name, value] = pair.split('=');
      if (name === this.cookieName) {
        this.cookie = value === '' ? null : value;
      }
    }
    const hidden = [...(res.text ?? '').matchAll(/type="hidden" name="(\w+)" value="([^"]*)"/g)];
    if (hidden.length > 0) {
      this.hidden = Object.fromEntries(hidden.map(([, name, value]) => [name, value]));
    }
    return res;
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

// An authorization request path: response_type=code with a fresh S256 challenge, plus `params`.
export function authorizePath(params: Record<string, string>): string {
  const query = new URLSearchParams({
    response_type: 'code',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...params,
  });
  return `/oauth/authorize?${query.toString()}`;
}

// The query parameters of a redirect's Location.
export function redirectParams(res: Response): Record<string, string> {
  return Object.fromEntries(new URL(res.headers.location).searchParams);
}
