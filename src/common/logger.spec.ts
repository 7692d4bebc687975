import fastify from 'fastify';
import pino from 'pino';
import { AppLogger, redactUrl, requestLogger, urlRedactor } from './logger';

describe('redactUrl', () => {
  it('should redact every secret parameter of a query, whatever its case', () => {
    expect(redactUrl('/oauth/authorize?client_id=c&Code=abc&state=s&access_token=t')).toBe(
      '/oauth/authorize?client_id=c&Code=%5Bredacted%5D&state=s&access_token=%5Bredacted%5D',
    );
  });

  it('should redact a secret parameter sent with brackets', () => {
    expect(redactUrl('/api/me?access_token[]=t1&code[x]=c1&page[size]=2')).toBe(
      '/api/me?access_token%5B%5D=%5Bredacted%5D&code%5Bx%5D=%5Bredacted%5D&page%5Bsize%5D=2',
    );
  });

  it('should leave a URL without a query as it is', () => {
    expect(redactUrl('/oauth/token')).toBe('/oauth/token');
  });
});

describe('urlRedactor', () => {
  const ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';
  const redact = urlRedactor([ADMIN_KEY, 'session-secret-0123456789abcdef0123']);

  it.each([
    '/admin/users',
    '/admin/clients/abc',
    '/oauth/token',
    '/oauth/revoke',
    '/oauth/introspect',
  ])('should never log the query string of %s', (path) => {
    expect(redact(`${path}?key=${ADMIN_KEY}&offset=1`)).toBe(`${path}?[redacted]`);
    expect(redact(path)).toBe(path);
  });

  it('should redact a configured secret wherever it appears, raw or percent-encoded', () => {
    expect(redact(`/oauth/authorize?state=${ADMIN_KEY}&client_id=c`)).toBe(
      '/oauth/authorize?state=%5Bredacted%5D&client_id=c',
    );
    expect(redact(`/${ADMIN_KEY}/x?state=a%20${encodeURIComponent(ADMIN_KEY)}`)).toBe(
      '/[redacted]/x?state=a+%5Bredacted%5D',
    );
  });

  it('should still redact secret parameters by name elsewhere', () => {
    expect(redact('/oauth/authorize?code=abc&state=s')).toBe(
      '/oauth/authorize?code=%5Bredacted%5D&state=s',
    );
  });
});

// A pino destination that hands each JSON line, without its time, pid and hostname, to `take`.
function lineDestination(take: (line: Record<string, unknown>) => void) {
  return {
    write: (line: string) => {
      const {
        time: _time,
        pid: _pid,
        hostname: _hostname,
        ...rest
      } = JSON.parse(line) as Record<string, unknown>;
      take(rest);
    },
  };
}

describe('AppLogger', () => {
  // The JSON lines a pino logger writes for each call, without the time, pid and hostname.
  function logged(call: (logger: AppLogger) => void, level = 'debug') {
    const lines: Record<string, unknown>[] = [];
    call(
      new AppLogger(
        pino(
          { level },
          lineDestination((line) => lines.push(line)),
        ),
      ),
    );
    return lines;
  }

  it('should write the last parameter as the context and the message as msg', () => {
    expect(logged((logger) => logger.warn('client authentication failed', 'Clients'))).toEqual([
      { level: 40, context: 'Clients', msg: 'client authentication failed' },
    ]);
  });

  it('should write a message logged without a context as it is', () => {
    expect(logged((logger) => logger.log('started'))).toEqual([{ level: 30, msg: 'started' }]);
  });

  it("should log Nest's start-up lines at debug, and only them", () => {
    expect(
      logged((logger) => {
        logger.log('AppModule dependencies initialized', 'InstanceLoader');
        logger.log('Created signing key k1', 'SigningKeys');
      }, 'info'),
    ).toEqual([{ level: 30, context: 'SigningKeys', msg: 'Created signing key k1' }]);
  });

  it('should write an Error under err, and the fields of an object message', () => {
    const [failure, fields] = logged((logger) => {
      logger.error(new Error('boom'), 'Errors');
      logger.warn({ clientId: 'c1' }, 'Clients');
    });
    expect(failure).toMatchObject({
      level: 50,
      context: 'Errors',
      err: { type: 'Error', message: 'boom' },
      msg: 'boom',
    });
    expect(fields).toEqual({ level: 40, context: 'Clients', clientId: 'c1' });
  });

  it("should write the stack Nest's exception handler passes as the error's stack", () => {
    const stack = 'Error: boom\n    at handler (app.js:1:1)';
    const [line] = logged((logger) => logger.error('boom', stack, 'ExceptionsHandler'));
    expect(line).toMatchObject({
      level: 50,
      context: 'ExceptionsHandler',
      err: { message: 'boom', stack },
    });
  });

  it('should keep a second string parameter that is not a stack as a message argument', () => {
    expect(logged((logger) => logger.error('failed: %s', 'disk full', 'Retention'))).toEqual([
      { level: 50, context: 'Retention', msg: 'failed: disk full' },
    ]);
  });
});

describe('requestLogger', () => {
  // A Fastify server with the request logger hooked as configureApp hooks it; each request's line
  // without the time, pid, hostname, request id and response time.
  async function served(level: string, send: (baseUrl: string) => Promise<void>) {
    const lines: Record<string, unknown>[] = [];
    const logRequest = requestLogger(
      pino(
        { level },
        lineDestination((line) => {
          const { id, ...req } = line.req as Record<string, unknown>;
          expect(id).toMatch(/^req-/);
          expect(line.responseTime).toEqual(expect.any(Number));
          lines.push({ ...line, req, responseTime: undefined });
        }),
      ),
      ['operator-secret-value'],
    );
    const app = fastify({ forceCloseConnections: true });
    app.addHook('onRequest', (request, reply, done) => {
      logRequest(request, reply);
      done();
    });
    app.get('/ok', () => ({ ok: true }));
    app.get('/broken', (_request, reply) => reply.code(500).send({ error: 'server_error' }));
    app.get('/away', (_request, reply) =>
      reply.redirect('https://app.example.com/cb?code=secret-code&state=operator-secret-value'),
    );
    app.get('/slow', () => new Promise((resolve) => setTimeout(() => resolve({}), 500)));
    const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await send(baseUrl);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await app.close();
    }
    return lines;
  }

  const peer = { remoteAddress: '127.0.0.1' };

  it('should write a line per answer: the request, the status, a redirect without its secrets', async () => {
    const lines = await served('info', async (baseUrl) => {
      expect((await fetch(`${baseUrl}/ok?access_token=query-token`)).status).toBe(200);
      expect((await fetch(`${baseUrl}/broken`)).status).toBe(500);
      expect((await fetch(`${baseUrl}/away`, { redirect: 'manual' })).status).toBe(302);
    });
    expect(lines).toEqual([
      {
        level: 30,
        req: { method: 'GET', url: '/ok?access_token=%5Bredacted%5D', ...peer },
        res: { statusCode: 200 },
        msg: 'request completed',
      },
      {
        level: 50,
        req: { method: 'GET', url: '/broken', ...peer },
        res: { statusCode: 500 },
        msg: 'request errored',
      },
      {
        level: 30,
        req: { method: 'GET', url: '/away', ...peer },
        res: {
          statusCode: 302,
          location: 'https://app.example.com/cb?code=%5Bredacted%5D&state=%5Bredacted%5D',
        },
        msg: 'request completed',
      },
    ]);
  });

  it('should say that a request was aborted when the client went away before the answer', async () => {
    const lines = await served('info', async (baseUrl) => {
      await expect(
        fetch(`${baseUrl}/slow`, { signal: AbortSignal.timeout(100) }),
      ).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 600));
    });
    expect(lines).toEqual([
      { level: 30, req: { method: 'GET', url: '/slow', ...peer }, msg: 'request aborted' },
    ]);
  });

  it('should write only the errors at LOG_LEVEL=warn', async () => {
    const lines = await served('warn', async (baseUrl) => {
      expect((await fetch(`${baseUrl}/ok`)).status).toBe(200);
      expect((await fetch(`${baseUrl}/broken`)).status).toBe(500);
    });
    expect(lines).toEqual([
      {
        level: 50,
        req: { method: 'GET', url: '/broken', ...peer },
        res: { statusCode: 500 },
        msg: 'request errored',
      },
    ]);
  });
});
