import { createRemoteJWKSet, jwtVerify, errors, type JWTPayload } from 'jose';
import { BearerError } from './bearer-error';
import { AuthorizationServerUnavailable } from './unavailable-error';

export type JwtVerifierOptions = {
  jwksUri: string;
  issuer: string;
  audience: string;
  algorithms: string[];
  clockToleranceSeconds: number;
};

// RFC 9068 §4: typ at+jwt, iss, aud and exp checked, algorithm pinned. createRemoteJWKSet caches the
// key set and refetches it when a token names an unknown kid (at most every cooldownDuration).
export class JwtVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly options: JwtVerifierOptions) {
    this.keys = createRemoteJWKSet(new URL(options.jwksUri), { cooldownDuration: 5000 });
  }

  async verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: this.options.algorithms,
        typ: 'at+jwt',
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub', 'client_id'],
      });
      return payload;
    } catch (error) {
      // The key set could not be fetched: a timeout, or fetch's own failure (not a JOSE error).
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw new AuthorizationServerUnavailable('JWKS unreachable', { cause: error });
      }
      throw new BearerError('invalid_token', describe(error));
    }
  }
}

function describe(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) {
    return 'token expired';
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return 'unknown signing key';
  }
  return 'token is invalid';
}
