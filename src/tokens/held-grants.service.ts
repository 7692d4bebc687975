import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { dateOf, Sql } from '../database/sql';
import { AccessToken } from './access-token.entity';

// What a client holds of one user: the scopes of its live tokens, and since when.
export type HeldGrant = { clientId: string; scope: string[]; since: Date };

// The clients that hold a user's live tokens, whatever grant issued them (a code after consent,
// or the password grant, which has no consent): what "Revoke access" on connected apps takes back.
@Injectable()
export class HeldGrantsService {
  private readonly sql: Sql;

  constructor(
    @InjectRepository(AccessToken) private readonly accessTokens: Repository<AccessToken>,
  ) {
    this.sql = new Sql(accessTokens.manager.connection);
  }

  async heldBy(userId: string): Promise<HeldGrant[]> {
    const now = new Date();
    const live = { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) };
    const select = { clientId: true, scope: true, createdAt: true } as const;
    // A family's live refresh token is its head.
    const heads = await this.sql.rows(
      null,
      `SELECT t.client_id, t.scope, t.created_at FROM refresh_tokens t
        JOIN refresh_token_families f ON f.head_token_id = t.id AND f.revoked_at IS NULL
        WHERE t.user_id = ? AND t.revoked_at IS NULL AND t.expires_at > ?`,
      [userId, now],
    );
    const tokens = [
      ...(await this.accessTokens.find({ select, where: live })),
      ...heads.map((row) => ({
        clientId: String(row.client_id),
        scope: String(row.scope),
        createdAt: dateOf(row.created_at),
      })),
    ];
    const byClient = new Map<string, HeldGrant>();
    for (const { clientId, scope, createdAt } of tokens) {
      const held = byClient.get(clientId) ?? { clientId, scope: [], since: createdAt };
      held.scope = [...new Set([...held.scope, ...scope.split(' ').filter(Boolean)])];
      held.since = createdAt < held.since ? createdAt : held.since;
      byClient.set(clientId, held);
    }
    return [...byClient.values()];
  }
}
