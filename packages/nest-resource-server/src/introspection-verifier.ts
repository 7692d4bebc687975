import { BearerError } from './bearer-error';
import { TokenCache } from './token-cache';
import { reach } from './unavailable-error';

export type IntrospectionVerifierOptions = {
  introspectionEndpoint: string;
  clientId: string;
  clientSecret: string;
  audience: string;
  cacheTtlSeconds: number;
  maxCacheEntries?: number;
  now?: () => number;
};

export type IntrospectedClaims = Record<string, unknown> & { active: true; exp?: number };

// RFC 7662. Answers are cached for cacheTtlSeconds, never past the token's exp: a token revoked in
// Portcullis is still accepted here until its cache entry runs out (the documented trade-off).
export class IntrospectionVerifier {
  private readonly cache: TokenCache<IntrospectedClaims>;
  private readonly now: () => number;

  constructor(private readonly options: IntrospectionVerifierOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new TokenCache(options.maxCacheEntries ?? 10000, this.now);
  }

  async verify(token: string): Promise<IntrospectedClaims> {
    const cached = this.cache.get(token);
    if (cached) {
      return cached;
    }
    const claims = await this.introspect(token);
    this.assertAudience(claims);
    const ttlEnd = this.now() + this.options.cacheTtlSeconds * 1000;
    this.cache.set(token, claims, Math.min(ttlEnd, (claims.exp ?? Infinity) * 1000));
    return claims;
  }

  private async introspect(token: string): Promise<IntrospectedClaims> {
    const credentials = `${encodeURIComponent(this.options.clientId)}:${encodeURIComponent(this.options.clientSecret)}`;
    const response = await reach('introspection', () =>
      fetch(this.options.introspectionEndpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token }).toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(5000),
      }),
    );
    if (!response.ok) {
      throw new Error(`introspection answered ${response.status}`);
    }
    const body = (await response.json()) as Record<string, unknown>;
    if (body.active !== true) {
      throw new BearerError('invalid_token', 'token is not active');
    }
    return body as IntrospectedClaims;
  }

  private assertAudience(claims: IntrospectedClaims): void {
    if (claims.aud === undefined) {
      return;
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(this.options.audience)) {
      throw new BearerError('invalid_token', 'token is invalid');
    }
  }
}
