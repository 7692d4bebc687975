import { Logger as NestLogger } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { BODY_LIMIT_BYTES, useBodyParsers } from './common/body-parsers';
import { AppLogger, RequestLogger } from './common/logger';
import { REQUEST_LOGGER } from './common/logging.module';
import { DEVELOPMENT_SECRETS_FILE, secretsFromDevelopmentFile } from './config/development-secrets';
import { Env } from './config/env.validation';
import { ConfigService } from '@nestjs/config';
import { SigningKeysService } from './tokens/signing-keys/signing-keys.service';

// A request must have arrived whole within this time (Fastify's default is no limit, which lets a
// client that trickles its body hold a connection for ever).
const REQUEST_TIMEOUT_MS = 30_000;

// The HTTP server under the app: Fastify, which serves several times the requests per second of
// Nest's default Express on the same routes (docs/benchmarks.md). With TRUST_PROXY, the client
// address (throttling, audit) is read from X-Forwarded-For, but only through those proxies: a
// header from any other peer is ignored.
export function httpAdapter(
  { TRUST_PROXY }: Pick<Env, 'TRUST_PROXY'> = { TRUST_PROXY: [] },
): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: REQUEST_TIMEOUT_MS,
    trustProxy: TRUST_PROXY.length > 0 ? TRUST_PROXY : false,
  });
}

// Everything main.ts does to the app besides listening, shared with the e2e tests so they exercise
// the same server. Throws InvalidEnvironmentError when SIGNING_KEYS_SECRET cannot open the active
// signing key.
export async function configureApp(app: NestFastifyApplication): Promise<void> {
  useBodyParsers(app);
  app.useLogger(app.get(AppLogger));
  const logRequest = app.get<RequestLogger>(REQUEST_LOGGER);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      logRequest(request, reply);
      done();
    });
  const config = app.get<ConfigService<Env, true>>(ConfigService);
  for (const name of config.get('GENERATED_SECRETS', { infer: true })) {
    new NestLogger('Config').warn(
      `${name} is not set: generated a random one for this process (development only; set it in production)`,
    );
  }
  const fromFile = secretsFromDevelopmentFile();
  if (fromFile.length > 0) {
    new NestLogger('Config').warn(
      `${fromFile.join(', ')} not set: using the development values in ${DEVELOPMENT_SECRETS_FILE} ` +
        '(written on the first start, kept across restarts; development only, set them in production)',
    );
  }
  await app.get(SigningKeysService).prepare();
  if (config.get('DOCS_ENABLED', { infer: true })) {
    serveApiDocs(app);
  }
}

// The hosted pages' protections for /docs (never framed, no Referer, not cached), with a policy
// that lets Swagger UI run its own scripts and styles.
const docsHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
});

function serveApiDocs(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      if (!request.url.startsWith('/docs')) {
        done();
        return;
      }
      reply.raw.setHeader('Cache-Control', 'no-store');
      reply.raw.setHeader('Pragma', 'no-cache');
      docsHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
    });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Portcullis API')
      .setDescription(
        'The OAuth endpoints (/oauth/token, /oauth/revoke, /oauth/introspect, metadata), the ' +
          'protected API (/api/me) and the admin routes (Authorization: Bearer ADMIN_API_KEY). ' +
          'OAuth errors are {"error","error_description"} (RFC 6749 §5.2, RFC 6750 §3); admin ' +
          'errors are {"statusCode","error","message"} with "fields" on invalid input.',
      )
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}
