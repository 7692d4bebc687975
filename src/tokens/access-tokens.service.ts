import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { GrantsOf } from '../common/grants';
import { Client } from '../clients/client.entity';
import { TokenPrincipal } from '../common/access';
import { generateOpaqueSecret, sha256Hex, timeOrderedId } from '../common/crypto';
import { scopesStillAllowed } from '../common/scope';
import { isIssuedAfterInvalidation } from './token-rules';
import { Env } from '../config/env.validation';
import { Api } from '../apis/api.entity';
import { AccessToken } from './access-token.entity';
import { IssuedAccessToken } from './token-response';
import { isJwtShaped, JwtAccessTokens } from './jwt-access-tokens';
import { LiveTokenQuery, TokenKey } from './live-token-query';
import { Sql } from '../database/sql';

// `principal` is null for a client's own token (client_credentials), which has no user.
// `clientScope`: what its client may request now (a scope removed from the client leaves its tokens).
export type LiveAccessToken = {
  row: AccessToken & { clientScope: string };
  principal: TokenPrincipal | null;
};

// What an access token is issued for: one grant (its family) of a user to a client, for the
// built-in API or a registered one (RFC 8707), whose format and lifetime then apply.
export type AccessGrant = {
  client: Client;
  userId: string;
  scope: string[];
  familyId: string;
  api?: Api | null;
};

// A grant of a user, or of the client to itself (RFC 6749 §4.4: no user, `userId` null).
export type TokenGrant = Omit<AccessGrant, 'userId'> & { userId: string | null };

// Which tokens to revoke: one grant's (its family), or a client's grants (of one user, or all).
export type IssuedIn = { familyId: string } | GrantsOf;

// Access tokens, in the format the client asks for. Every token has a row in access_tokens, which
// is what revocation and the liveness checks act on:
// - opaque: 256 random bits; the row holds only their SHA-256. The table is theirs alone, so a
//   refresh token or an authorization code is never found as one;
// - jwt (RFC 9068): the row's id is the token's jti; the signature is checked before the row is
//   read.
@Injectable()
export class AccessTokensService {
  private readonly ttlSeconds: number;
  private readonly liveTokens: LiveTokenQuery;
  private readonly sql: Sql;

  constructor(
    @InjectRepository(AccessToken) private readonly tokens: Repository<AccessToken>,
    private readonly jwt: JwtAccessTokens,
    config: ConfigService<Env, true>,
  ) {
    this.ttlSeconds = config.get('ACCESS_TOKEN_TTL', { infer: true });
    this.liveTokens = new LiveTokenQuery(tokens.manager.connection);
    this.sql = new Sql(tokens.manager.connection);
  }

  async issue(manager: EntityManager, grant: TokenGrant): Promise<IssuedAccessToken> {
    const id = timeOrderedId();
    const api = grant.api ?? null;
    const format = api?.accessTokenFormat ?? grant.client.accessTokenFormat;
    const ttlSeconds = api?.accessTokenTtl ?? this.ttlSeconds;
    const scope = grant.scope.join(' ');
    const now = new Date();
    // A JWT's exp is in whole seconds; the row expires exactly when the token says.
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + ttlSeconds) * 1000);
    const token =
      format === 'jwt'
        ? await this.jwt.sign(
            {
              jti: id,
              // RFC 9068 §2.2: without a resource owner, the subject is the client itself.
              sub: grant.userId ?? grant.client.clientId,
              clientId: grant.client.clientId,
              audience: api?.identifier ?? null,
              scope,
              issuedAt: now,
              expiresAt,
            },
            manager,
          )
        : generateOpaqueSecret(32);
    await this.sql.run(
      manager,
      `INSERT INTO access_tokens (id, token_hash, format, client_id, user_id, scope, resource,
          family_id, expires_at, revoked_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
      [
        id,
        format === 'jwt' ? null : sha256Hex(token),
        format,
        grant.client.clientId,
        grant.userId,
        scope,
        api?.identifier ?? null,
        grant.familyId,
        expiresAt,
        now,
      ],
    );
    return { token, expiresIn: ttlSeconds };
  }

  // The principal of a live token: not revoked, not expired, its client still usable, its user
  // enabled and not disabled since the token was issued. Anything else is null, and so is a
  // client's own token (the routes that take a principal act for a user) and a token for another
  // API than this server's own (RFC 8707: its audience is elsewhere).
  async verify(token: string): Promise<TokenPrincipal | null> {
    const live = await this.inspect(token);
    return live && live.row.resource === null ? live.principal : null;
  }

  // A live token with its row (for introspection: expiry, issue time). One query reads the token,
  // its user (if it has one), and whether its client is usable (enabled and approved).
  async inspect(token: string): Promise<LiveAccessToken | null> {
    const key = await this.lookup(token);
    const row = key && (await this.liveTokens.find(key));
    if (
      !row ||
      row.revokedAt !== null ||
      row.expiresAt <= new Date() ||
      !this.audienceMatches(key, row)
    ) {
      return null;
    }
    if (row.userId === null) {
      return { row, principal: null };
    }
    const owner = row.owner;
    if (!owner || !isIssuedAfterInvalidation(owner, row.createdAt)) {
      return null;
    }
    const principal: TokenPrincipal = {
      clientId: row.clientId,
      scopes: scopesStillAllowed(row.scope, row.clientScope),
      user: {
        id: owner.id,
        username: owner.username,
        email: owner.email,
        name: owner.name,
        isAdmin: owner.role === 'admin',
      },
    };
    return { row, principal };
  }

  // The stored token, live or not.
  async find(token: string): Promise<AccessToken | null> {
    const key = await this.lookup(token);
    return (
      key &&
      this.tokens.findOneBy(
        'jti' in key ? { id: key.jti, format: 'jwt' } : { tokenHash: key.tokenHash },
      )
    );
  }

  // What identifies the presented token's row: the hash of an opaque token, or the jti of a JWT,
  // read only once its signature, type, issuer, audience and expiry have been verified.
  private async lookup(token: string): Promise<TokenKey | null> {
    if (!isJwtShaped(token)) {
      return { tokenHash: sha256Hex(token) };
    }
    return this.jwt.verify(token);
  }

  // A JWT's aud must be the API its row was issued for (the signature alone says which API the
  // token claims; the row says which one it was issued for).
  private audienceMatches(key: TokenKey, row: AccessToken): boolean {
    return !('jti' in key) || key.aud === (row.resource ?? this.jwt.defaultAudience);
  }

  async revoke(row: AccessToken): Promise<void> {
    await this.tokens.update({ id: row.id, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async revokeIssued(manager: EntityManager, issued: IssuedIn, now: Date): Promise<void> {
    await manager
      .getRepository(AccessToken)
      .update({ ...issued, revokedAt: IsNull() }, { revokedAt: now });
  }
}
