import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { Client } from '../clients/client.entity';
import { TokenPrincipal } from '../common/access';
import { generateOpaqueSecret, sha256Hex } from '../common/crypto';
import { scopeList } from '../common/scope';
import { Env } from '../config/env.validation';
import { AccessToken } from './access-token.entity';
import { IssuedAccessToken } from './token-response';
import { TokenOwners } from './token-owners.service';

export type LiveAccessToken = { row: AccessToken; principal: TokenPrincipal };

// What an access token is issued for: one grant (its family) of a user to a client.
export type AccessGrant = { client: Client; userId: string; scope: string[]; familyId: string };

// Opaque access tokens: 256 random bits, only the SHA-256 stored. They live in their own table, so
// a refresh token or an authorization code is never found as one.
@Injectable()
export class AccessTokensService {
  private readonly ttlSeconds: number;

  constructor(
    @InjectRepository(AccessToken) private readonly tokens: Repository<AccessToken>,
    private readonly owners: TokenOwners,
    config: ConfigService<Env, true>,
  ) {
    this.ttlSeconds = config.get('ACCESS_TOKEN_TTL', { infer: true });
  }

  async issue(manager: EntityManager, grant: AccessGrant): Promise<IssuedAccessToken> {
    const token = generateOpaqueSecret(32);
    const now = new Date();
    await manager.getRepository(AccessToken).insert({
      id: randomUUID(),
      tokenHash: sha256Hex(token),
      format: 'opaque',
      clientId: grant.client.clientId,
      userId: grant.userId,
      scope: grant.scope.join(' '),
      familyId: grant.familyId,
      expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000),
      revokedAt: null,
      createdAt: now,
    });
    return { token, expiresIn: this.ttlSeconds };
  }

  // The principal of a live token: not revoked, not expired, its client still enabled, its user
  // enabled and not disabled since the token was issued. Anything else is null.
  async verify(token: string): Promise<TokenPrincipal | null> {
    return (await this.inspect(token))?.principal ?? null;
  }

  // A live token with its row (for introspection: expiry, issue time).
  async inspect(token: string): Promise<LiveAccessToken | null> {
    const row = await this.find(token);
    if (!row || row.revokedAt !== null || row.expiresAt <= new Date() || row.userId === null) {
      return null;
    }
    const { clientId, userId, createdAt } = row;
    const user = await this.owners.liveOwners({ clientId, userId, createdAt });
    if (!user) {
      return null;
    }
    const principal: TokenPrincipal = {
      clientId: row.clientId,
      scopes: scopeList(row.scope),
      user: {
        id: user.id,
        username: user.username,
        email: user.email,
        name: user.name,
        isAdmin: user.role === 'admin',
      },
    };
    return { row, principal };
  }

  // The stored token, live or not.
  find(token: string): Promise<AccessToken | null> {
    return this.tokens.findOneBy({ tokenHash: sha256Hex(token) });
  }

  async revoke(row: AccessToken): Promise<void> {
    await this.tokens.update({ id: row.id, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async revokeFamily(manager: EntityManager, familyId: string, now: Date): Promise<void> {
    await manager
      .getRepository(AccessToken)
      .update({ familyId, revokedAt: IsNull() }, { revokedAt: now });
  }
}
