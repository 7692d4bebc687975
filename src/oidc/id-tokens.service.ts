import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { decodeProtectedHeader, errors, JWTPayload, jwtVerify, SignJWT } from 'jose';
import { IdTokenHints } from '../authorization/id-token-hints';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { OPENID_SCOPE } from '../common/scope';
import { Env } from '../config/env.validation';
import { SigningKeysService } from '../tokens/signing-keys/signing-keys.service';
import { TokenResponse } from '../tokens/token-response';
import { IssuedGrant, TokenResponseExtensions } from '../tokens/token-response-extensions';
import { UsersService } from '../users/users.service';
import { OidcGrantsService } from './oidc-grants.service';
import { claimNames, userClaims } from './standard-claims';

// OpenID Connect Core §3.1.3.6: at_hash is the left half of the access token's hash, with the hash
// of the ID token's algorithm (SHA-256 for RS256 and ES256).
export function accessTokenHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

// ID tokens (Core §2, §3.1.3.3), added to the token endpoint's answer whenever the granted scope
// has openid: from the code grant, the password grant and every refresh (§12.2: same sub, aud,
// azp and auth_time, a new iat, and no nonce). Signed with the client's
// id_token_signed_response_alg (RS256 unless registered otherwise), never unsigned.
@Injectable()
export class IdTokensService implements OnModuleInit {
  private readonly issuer: string;
  private readonly ttlSeconds: number;

  constructor(
    private readonly extensions: TokenResponseExtensions,
    private readonly grants: OidcGrantsService,
    private readonly users: UsersService,
    private readonly keys: SigningKeysService,
    private readonly hints: IdTokenHints,
    config: ConfigService<Env, true>,
  ) {
    this.issuer = config.get('ISSUER', { infer: true });
    // No longer than an access token: the signing key stays published as long as either lives.
    this.ttlSeconds = config.get('ACCESS_TOKEN_TTL', { infer: true });
  }

  onModuleInit(): void {
    this.extensions.register((manager, issued) => this.idTokenFor(manager, issued));
    this.hints.register((hint, clientId) => this.subjectOf(hint, clientId));
  }

  // The sub of an ID token this server signed for `clientId`, not expired; null for anything else.
  async subjectOf(idToken: string, clientId: string): Promise<string | null> {
    const payload = await this.verify(idToken, { audience: clientId, allowExpired: false });
    return typeof payload?.sub === 'string' ? payload.sub : null;
  }

  // The claims of an ID token this server signed, with a published key and the algorithm
  // registered for it; null for anything else. `allowExpired`: RP-Initiated Logout 1.0 §2 accepts
  // an expired ID token as the hint of a logout.
  async verify(
    idToken: string,
    options: { audience?: string; allowExpired: boolean },
  ): Promise<JWTPayload | null> {
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(idToken).kid;
    } catch {
      return null;
    }
    const key = typeof kid === 'string' ? await this.keys.verificationKey(kid) : null;
    if (!key) {
      return null;
    }
    try {
      const { payload } = await jwtVerify(idToken, key.key, {
        algorithms: [key.alg],
        typ: 'JWT',
        issuer: this.issuer,
        audience: options.audience,
        requiredClaims: ['sub', 'aud', 'iat', 'exp'],
        // Expiry is checked against the start of time when an expired token is acceptable.
        ...(options.allowExpired ? { currentDate: new Date(0) } : {}),
      });
      return typeof payload.sub === 'string' && typeof payload.aud === 'string' ? payload : null;
    } catch (error) {
      if (error instanceof errors.JOSEError) {
        return null;
      }
      throw error;
    }
  }

  private async idTokenFor(
    manager: EntityManager,
    issued: IssuedGrant,
  ): Promise<Partial<TokenResponse>> {
    if (!issued.scope.includes(OPENID_SCOPE)) {
      return {};
    }
    const signIn = await this.grants.signInFor(manager, issued);
    const user = signIn && (await this.users.findById(issued.userId, manager));
    if (!signIn || !user) {
      return {};
    }
    const { client } = issued;
    const signer = await this.keys.signerWith(client.idTokenSignedResponseAlg, manager);
    const now = new Date();
    const nonce = issued.grantType === 'refresh_token' ? null : issued.signIn?.nonce;
    const claims = {
      ...userClaims(
        user,
        claimNames(issued.scope, signIn.claims?.idToken, { withScopeClaims: false }),
      ),
      auth_time: signIn.authTime,
      ...(nonce ? { nonce } : {}),
      at_hash: accessTokenHash(issued.accessToken),
      azp: client.clientId,
      ...(signIn.sid ? { sid: signIn.sid } : {}),
      amr: signIn.amr,
    };
    const idToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setSubject(user.id)
      .setAudience(client.clientId)
      .setIssuedAt(seconds(now))
      .setExpirationTime(seconds(now) + this.ttlSeconds)
      .sign(signer.key);
    return { id_token: idToken };
  }
}
