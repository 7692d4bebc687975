import {
  HttpException,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { BearerError } from './bearer-error';
import { parseBearerHeader } from './bearer-request';
import { IntrospectionVerifier } from './introspection-verifier';
import { JwtVerifier } from './jwt-verifier';
import { type ResourceServerOptions, MAX_INTROSPECTION_CACHE_TTL_SECONDS } from './options';
import { PUBLIC_KEY, SCOPES_KEY } from './scopes.decorator';
import { AuthorizationServerUnavailable, reach } from './unavailable-error';

export const RESOURCE_SERVER_OPTIONS = Symbol('RESOURCE_SERVER_OPTIONS');
// Seconds a client is told to wait when Portcullis could not be reached.
const RETRY_AFTER_SECONDS = 5;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

type HttpRequest = {
  headers: Record<string, string | string[] | undefined>;
  tokenClaims?: unknown;
};
type HttpResponse = { header(name: string, value: string): unknown };
type Verifiers = { jwt: JwtVerifier; introspection?: IntrospectionVerifier };

@Injectable()
export class ResourceServerGuard implements CanActivate {
  private verifiers?: Promise<Verifiers>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(RESOURCE_SERVER_OPTIONS) private readonly options: ResourceServerOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) {
      return true;
    }
    const http = context.switchToHttp();
    try {
      const claims = await this.verify(http.getRequest<HttpRequest>());
      http.getRequest<HttpRequest>().tokenClaims = claims;
      assertScopes(claims, this.reflector.getAllAndOverride<string[]>(SCOPES_KEY, targets) ?? []);
      return true;
    } catch (error) {
      if (error instanceof AuthorizationServerUnavailable) {
        http.getResponse<HttpResponse>().header('Retry-After', String(RETRY_AFTER_SECONDS));
        throw new HttpException(
          {
            error: 'temporarily_unavailable',
            error_description: 'the authorization server could not be reached',
          },
          503,
          { cause: error },
        );
      }
      if (!(error instanceof BearerError)) {
        throw error;
      }
      http
        .getResponse<HttpResponse>()
        .header('WWW-Authenticate', error.toChallenge(this.options.realm));
      const body = error.code ? { error: error.code, error_description: error.description } : {};
      throw new HttpException(body, error.status);
    }
  }

  private async verify(request: HttpRequest): Promise<Record<string, unknown>> {
    const parsed = parseBearerHeader(request.headers.authorization);
    if (parsed.kind === 'missing') {
      throw new BearerError(undefined);
    }
    if (parsed.kind === 'malformed') {
      throw new BearerError('invalid_request', 'malformed Authorization header');
    }
    const verifiers = await this.loadVerifiers();
    if (JWT_SHAPE.test(parsed.token)) {
      return verifiers.jwt.verify(parsed.token);
    }
    if (!verifiers.introspection) {
      throw new BearerError('invalid_token', 'token is invalid');
    }
    return verifiers.introspection.verify(parsed.token);
  }

  private loadVerifiers(): Promise<Verifiers> {
    this.verifiers ??= discoverVerifiers(this.options).catch((error: unknown) => {
      this.verifiers = undefined; // retry discovery on the next request
      throw error;
    });
    return this.verifiers;
  }
}

async function discoverVerifiers(options: ResourceServerOptions): Promise<Verifiers> {
  const issuer = options.issuer.replace(/\/$/, '');
  const response = await reach('metadata', () =>
    fetch(`${issuer}/.well-known/oauth-authorization-server`, {
      redirect: 'error',
      signal: AbortSignal.timeout(5000),
    }),
  );
  if (!response.ok) {
    throw new AuthorizationServerUnavailable(`metadata answered ${response.status}`);
  }
  const metadata = (await response.json()) as { jwks_uri: string; introspection_endpoint?: string };
  const jwt = new JwtVerifier({
    jwksUri: metadata.jwks_uri,
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.algorithms ?? ['RS256', 'ES256'],
    clockToleranceSeconds: options.clockToleranceSeconds ?? 5,
  });
  const ttl = Math.min(
    options.introspectionCacheTtlSeconds ?? 60,
    MAX_INTROSPECTION_CACHE_TTL_SECONDS,
  );
  const introspection =
    options.introspection && metadata.introspection_endpoint
      ? new IntrospectionVerifier({
          introspectionEndpoint: metadata.introspection_endpoint,
          clientId: options.introspection.clientId,
          clientSecret: options.introspection.clientSecret,
          audience: options.audience,
          cacheTtlSeconds: ttl,
        })
      : undefined;
  return { jwt, introspection };
}

function assertScopes(claims: Record<string, unknown>, required: string[]): void {
  const granted = new Set(typeof claims.scope === 'string' ? claims.scope.split(' ') : []);
  const missing = required.filter((scope) => !granted.has(scope));
  if (missing.length > 0) {
    throw new BearerError(
      'insufficient_scope',
      'the token lacks a required scope',
      required.join(' '),
    );
  }
}
