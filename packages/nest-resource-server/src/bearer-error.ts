// RFC 6750 §3: the WWW-Authenticate challenge of a protected resource.
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export class BearerError extends Error {
  constructor(
    readonly code: BearerErrorCode | undefined, // undefined: no token was sent (§3.1)
    readonly description?: string,
    readonly scope?: string,
  ) {
    super(description ?? code ?? 'missing bearer token');
  }

  get status(): number {
    if (this.code === 'invalid_request') {
      return 400;
    }
    return this.code === 'insufficient_scope' ? 403 : 401;
  }

  toChallenge(realm?: string): string {
    const params: [string, string | undefined][] = [
      ['realm', realm],
      ['error', this.code],
      ['error_description', this.description],
      ['scope', this.scope],
    ];
    const attributes = params
      .filter((param): param is [string, string] => param[1] !== undefined)
      .map(([name, value]) => `${name}="${value.replace(/[\\"]/g, '\\$&')}"`);
    return attributes.length > 0 ? `Bearer ${attributes.join(', ')}` : 'Bearer';
  }
}
