import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';
import { EntityManager } from 'typeorm';
import { Env } from '../config/env.validation';
import { SigningKeysService } from './signing-keys/signing-keys.service';

// RFC 9068 §2.2.1: what identifies a JWT access token in the header.
const JWT_TYPE = 'at+jwt';
const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'client_id', 'scope', 'exp', 'iat', 'jti'];

export type JwtAccessTokenContent = {
  jti: string;
  sub: string;
  clientId: string;
  // A registered API's identifier (RFC 8707); absent or null: this server's own API.
  audience?: string | null;
  scope: string;
  issuedAt: Date;
  expiresAt: Date;
};

// Opaque tokens and refresh tokens are base64url (no dots); a JWS compact serialization has three
// parts.
export function isJwtShaped(token: string): boolean {
  return token.split('.').length === 3;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

// How many verified tokens are remembered (about 1 KB each).
const REMEMBERED_TOKENS = 10_000;

type Remembered = { jti: string; aud: string; kid: string; exp: number };

// What a verified JWT access token names: its row, and the audience the row must also record.
export type VerifiedJwt = { jti: string; aud: string };

// RFC 9068 JWT access tokens, signed with the active signing key. The audience is this server's
// protected API, `${ISSUER}/api`, or the registered API the token was issued for.
@Injectable()
export class JwtAccessTokens {
  private readonly issuer: string;
  readonly defaultAudience: string;
  // Tokens that passed every check, least recently used first. A client calls the API many times
  // with one token; after the first call its signature is not checked again. Each use still checks
  // the expiry and that the key is published, and the caller reads revocation and the owners' state
  // from the database every time.
  private readonly remembered = new Map<string, Remembered>();

  constructor(
    private readonly keys: SigningKeysService,
    config: ConfigService<Env, true>,
  ) {
    this.issuer = config.get('ISSUER', { infer: true });
    this.defaultAudience = `${this.issuer}/api`;
  }

  async sign(content: JwtAccessTokenContent, manager?: EntityManager): Promise<string> {
    const signer = await this.keys.signer(manager);
    return new SignJWT({ client_id: content.clientId, scope: content.scope })
      .setProtectedHeader({ alg: signer.alg, typ: JWT_TYPE, kid: signer.kid })
      .setIssuer(this.issuer)
      .setSubject(content.sub)
      .setAudience(content.audience ?? this.defaultAudience)
      .setIssuedAt(seconds(content.issuedAt))
      .setExpirationTime(seconds(content.expiresAt))
      .setJti(content.jti)
      .sign(signer.key);
  }

  // The jti and aud of a JWT access token this server signed with a published key, of the right
  // type, for this issuer, with one audience, and not expired; null for anything else. The caller
  // checks the audience against the token's row. The algorithm is the one
  // registered for the key named by `kid`, never what the header asks for. A database failure while
  // loading keys is thrown, not taken for a bad token.
  async verify(token: string): Promise<VerifiedJwt | null> {
    const remembered = this.remembered.get(token);
    if (remembered) {
      this.remembered.delete(token);
      // As jose decides: expired when exp is not after the current second.
      if (
        remembered.exp <= seconds(new Date()) ||
        !(await this.keys.verificationKey(remembered.kid))
      ) {
        return null;
      }
      this.remembered.set(token, remembered);
      return { jti: remembered.jti, aud: remembered.aud };
    }
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return null;
    }
    const key = typeof header.kid === 'string' ? await this.keys.verificationKey(header.kid) : null;
    if (!key) {
      return null;
    }
    try {
      const { payload } = await jwtVerify(token, key.key, {
        algorithms: [key.alg],
        typ: JWT_TYPE,
        issuer: this.issuer,
        requiredClaims: REQUIRED_CLAIMS,
      });
      const { jti, exp, aud } = payload;
      if (typeof jti !== 'string' || typeof exp !== 'number' || typeof aud !== 'string') {
        return null;
      }
      this.remember(token, { jti, aud, kid: key.kid, exp });
      return { jti, aud };
    } catch (error) {
      if (error instanceof errors.JOSEError) {
        return null;
      }
      throw error;
    }
  }

  private remember(token: string, entry: Remembered): void {
    if (this.remembered.size >= REMEMBERED_TOKENS) {
      this.remembered.delete(this.remembered.keys().next().value as string);
    }
    this.remembered.set(token, entry);
  }
}
