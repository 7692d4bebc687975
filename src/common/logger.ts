import type { LoggerService } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import pino, { Level, Logger } from 'pino';

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

// The root logger of the process: application messages and the request lines, secrets redacted.
export function rootLogger(level: string, destination: 1 | 2): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    pino.destination({ dest: destination, sync: destination === 2 }),
  );
}

// A request's line, written when its connection is done with it (a Fastify onRequest hook attaches
// it): who asked what (the peer's address, the URL with its secrets removed) and what was answered
// (the status, where a redirect went, the time in ms), or that the client went away first. A 5xx is
// logged at error. Nothing is built for a line the level drops.
export type RequestLogger = (request: FastifyRequest, reply: FastifyReply) => void;

export function requestLogger(logger: Logger, secrets: string[] = []): RequestLogger {
  const redactLoggedUrl = urlRedactor(secrets);
  const write = (
    request: FastifyRequest,
    reply: FastifyReply,
    remoteAddress: string | undefined,
  ): void => {
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    if (!logger.isLevelEnabled(level)) {
      return;
    }
    const req = {
      id: request.id,
      method: request.method,
      url: redactLoggedUrl(request.url),
      remoteAddress,
    };
    const responseTime = Math.round(reply.elapsedTime);
    if (!reply.raw.writableFinished) {
      logger.info({ req, responseTime }, 'request aborted');
      return;
    }
    const location = reply.getHeader('location');
    const res =
      typeof location === 'string'
        ? { statusCode: reply.statusCode, location: redactLoggedUrl(location) }
        : { statusCode: reply.statusCode };
    logger[level](
      { req, res, responseTime },
      level === 'error' ? 'request errored' : 'request completed',
    );
  };
  return (request, reply) => {
    // Read now: a closed socket no longer has it.
    const remoteAddress = request.raw.socket.remoteAddress;
    reply.raw.once('close', () => write(request, reply, remoteAddress));
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

// Nest's Logger calls, written by pino: the last parameter is the context, an object message adds
// its fields, an Error goes under `err`. A line logged while a request is handled does not carry
// that request (the request's own line does): binding it would need AsyncLocalStorage, whose
// promise hooks cost every request about a tenth of its CPU on Node.js 20 (docs/benchmarks.md).
export class AppLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    const quiet = typeof context === 'string' && START_UP_CONTEXTS.has(context);
    this.write(quiet ? 'debug' : 'info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    // Nest's own exception handlers pass the stack as the parameter before the context.
    if (
      typeof message === 'string' &&
      params.length === 2 &&
      typeof params[0] === 'string' &&
      /\n\s*at /.test(params[0])
    ) {
      const err = Object.assign(new Error(message), { stack: params[0] });
      this.logger.error({ context: params[1], err });
      return;
    }
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const fields: Record<string, unknown> =
      params.length > 0 ? { context: params[params.length - 1] } : {};
    const rest = params.slice(0, -1);
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, ...(rest as []));
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...message }, ...(rest as []));
    } else {
      this.logger[level](fields, String(message), ...rest);
    }
  }
}
