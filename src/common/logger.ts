import type { LoggerService } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import pino from 'pino';

// Never logged: credentials, tokens, codes and cookies, wherever they appear.
export const SECRET_NAMES = [
  'authorization',
  'password',
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'token',
  'cookie',
  'set-cookie',
  'secret',
];

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SECRET_NAMES.flatMap((name) => [`"${name}"`, `*["${name}"]`]),
];

// Query strings can carry secrets too (a misplaced `?access_token=`): keep the names, drop the values.
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) {
    return url;
  }
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const name of new Set(params.keys())) {
    // `code[]` or `code[x]` is still a code.
    if (SECRET_NAMES.includes(name.toLowerCase().split('[', 1)[0])) {
      params.set(name, '[redacted]');
    }
  }
  return `${url.slice(0, queryStart)}?${params.toString()}`;
}

// Routes whose query string is never logged at all: the admin API (an admin key put in the query)
// and the client-authenticated endpoints (credentials and tokens, whatever their names).
const QUERYLESS_ROUTES = /^\/(admin|oauth\/(token|revoke|introspect))(\/|\?|$)/;

// redactUrl, plus the operator's configured secrets (ADMIN_API_KEY, SESSION_SECRET,
// SIGNING_KEYS_SECRET) wherever they appear in the URL, raw or percent-encoded, under any name
// (a password put in `state`, a key in the path).
export function urlRedactor(secrets: string[]): (url: string) => string {
  const values = secrets
    .filter((secret) => secret.length > 0)
    .flatMap((secret) => [...new Set([secret, encodeURIComponent(secret)])]);
  return (url) => {
    const scrubbed = values.reduce((text, value) => text.split(value).join('[redacted]'), url);
    const queryStart = scrubbed.indexOf('?');
    if (queryStart !== -1 && QUERYLESS_ROUTES.test(scrubbed)) {
      return `${scrubbed.slice(0, queryStart)}?[redacted]`;
    }
    return redactUrl(scrubbed);
  };
}

export function loggerParams(level: string, destination: 1 | 2, secrets: string[] = []): Params {
  const redactLoggedUrl = urlRedactor(secrets);
  return {
    pinoHttp: {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: IncomingMessage & { id?: unknown }) => ({
          id: req.id,
          method: req.method,
          url: redactLoggedUrl(req.url ?? ''),
          remoteAddress: req.socket?.remoteAddress,
        }),
        // The status, and where a redirect went with its secrets (an authorization code) removed.
        res: (res: { statusCode?: number; headers?: Record<string, unknown> }) => {
          const location = res.headers?.location;
          return typeof location === 'string'
            ? { statusCode: res.statusCode, location: redactLoggedUrl(location) }
            : { statusCode: res.statusCode };
        },
      },
      stream: pino.destination({ dest: destination, sync: destination === 2 }),
    },
  };
}

// Nest's own start-up chatter (a line per module, controller and route: about 95) is debug
// information; the start itself is announced by one line from main.ts.
const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

export class QuietStartLogger implements LoggerService {
  constructor(private readonly logger: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context) && this.logger.debug) {
      this.logger.debug(message, ...params);
      return;
    }
    this.logger.log(message, ...params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.logger.error(message, ...params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.logger.warn(message, ...params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.logger.debug?.(message, ...params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.logger.verbose?.(message, ...params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.logger.fatal?.(message, ...params);
  }
}
