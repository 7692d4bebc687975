import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Client } from '../clients/client.entity';
import { CLIENT_COLUMNS, clientOfRow } from '../clients/client-row';
import { dateOf, dateOrNull, Row, Sql, textOrNull } from '../database/sql';
import { RefreshToken } from './refresh-token.entity';
import { FamilyState, TokenOwner } from './token-rules';

// A presented refresh token as rotation reads it: the token, its family (null when the family row
// is gone) and the owner's state (null when the user is gone).
export type TokenRow = Omit<RefreshToken, 'family' | 'owner'>;
export type StoredRefreshToken = TokenRow & {
  family: (FamilyState & { id: string; revokedAt: Date | null }) | null;
  owner: (TokenOwner & { id: string; username: string }) | null;
};

// A refresh request's token as read with its client (token null: not that client's, or none).
export type RefreshTokenRead = { tokenHash: string; token: StoredRefreshToken | null };

// A presented token with its family and its owner (aliases t, f and u).
const PRESENTED_COLUMNS = `t.id, t.token_hash, t.client_id, t.user_id, t.scope, t.resource,
  t.family_id, t.parent_id, t.revoked_at, t.expires_at, t.created_at,
  f.id AS f_id, f.head_token_id AS f_head_token_id, f.previous_token_id AS f_previous_token_id,
  f.rotated_at AS f_rotated_at, f.revoked_at AS f_revoked_at,
  u.id AS u_id, u.username AS u_username, u.enabled AS u_enabled,
  u.tokens_invalid_before AS u_tokens_invalid_before`;

// The SQL of the refresh-token aggregate: a family (one grant, whose head is its one live token)
// and its tokens. Each method is one statement, in the caller's transaction. A token row is
// written once; a rotation changes only its family's row.
@Injectable()
export class RefreshTokenStore {
  private readonly sql: Sql;

  private readonly byHash: string;
  private readonly withClient: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = new Sql(dataSource);
    const family = `LEFT JOIN refresh_token_families f ON f.id = t.family_id
      LEFT JOIN users u ON u.id = t.user_id`;
    this.byHash = `SELECT ${PRESENTED_COLUMNS} FROM refresh_tokens t ${family} WHERE t.token_hash = ?`;
    this.withClient = `SELECT ${CLIENT_COLUMNS(dataSource)}, ${PRESENTED_COLUMNS}
      FROM clients c
      LEFT JOIN refresh_tokens t ON t.token_hash = ? AND t.client_id = c.client_id ${family}
      WHERE c.client_id = ?`;
  }

  // The token with its family and its owner, read in one statement: read apart, a rotation
  // committed in between would make a fresh family and a stale token look like reuse.
  async findByHash(
    manager: EntityManager | null,
    tokenHash: string,
  ): Promise<StoredRefreshToken | null> {
    const row = await this.sql.row(manager, this.byHash, [tokenHash]);
    return row && storedToken(row);
  }

  // A refresh request's one read: the client by id, and the presented token if it is that
  // client's (a token of another client is not found, so its grant is never touched).
  async findWithClient(
    clientId: string,
    tokenHash: string,
  ): Promise<{ client: Client | null; token: StoredRefreshToken | null }> {
    const row = await this.sql.row(null, this.withClient, [tokenHash, clientId]);
    const client = clientOfRow(this.dataSource, row, clientId);
    return { client, token: row && client && row.id !== null ? storedToken(row) : null };
  }

  async insertFamily(
    manager: EntityManager,
    family: { id: string; clientId: string; userId: string; headTokenId: string; createdAt: Date },
  ): Promise<void> {
    await this.sql.run(
      manager,
      `INSERT INTO refresh_token_families (id, client_id, user_id, head_token_id,
          previous_token_id, rotated_at, revoked_at, created_at)
        VALUES (?, ?, ?, ?, NULL, NULL, NULL, ?)`,
      [family.id, family.clientId, family.userId, family.headTokenId, family.createdAt],
    );
  }

  async insert(manager: EntityManager, token: TokenRow): Promise<void> {
    await this.sql.run(
      manager,
      `INSERT INTO refresh_tokens (id, token_hash, client_id, user_id, scope, resource, family_id,
          parent_id, revoked_at, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        token.id,
        token.tokenHash,
        token.clientId,
        token.userId,
        token.scope,
        token.resource,
        token.familyId,
        token.parentId,
        token.revokedAt,
        token.expiresAt,
        token.createdAt,
      ],
    );
  }

  // The compare-and-set that decides a rotation, and records it: the head moves from the
  // presented token to its successor only in a live family whose head the presented token still
  // is. Of any number of parallel attempts, one sees true.
  async rotate(
    manager: EntityManager,
    familyId: string,
    from: string,
    to: string,
    now: Date,
  ): Promise<boolean> {
    const affected = await this.sql.run(
      manager,
      `UPDATE refresh_token_families SET head_token_id = ?, previous_token_id = ?, rotated_at = ?
        WHERE id = ? AND head_token_id = ? AND revoked_at IS NULL`,
      [to, from, now, familyId, from],
    );
    return affected === 1;
  }

  // A retry of the previous token: the head moves from its unused successor to a new one; the
  // previous token and its rotation time stay.
  async replaceHead(
    manager: EntityManager,
    familyId: string,
    expectedHead: string,
    to: string,
  ): Promise<boolean> {
    const affected = await this.sql.run(
      manager,
      `UPDATE refresh_token_families SET head_token_id = ?
        WHERE id = ? AND head_token_id = ? AND revoked_at IS NULL`,
      [to, familyId, expectedHead],
    );
    return affected === 1;
  }

  async revoke(manager: EntityManager, tokenId: string, now: Date): Promise<void> {
    await this.sql.run(manager, 'UPDATE refresh_tokens SET revoked_at = ? WHERE id = ?', [
      now,
      tokenId,
    ]);
  }
}

function tokenOf(row: Row): TokenRow {
  return {
    id: String(row.id),
    tokenHash: String(row.token_hash),
    clientId: String(row.client_id),
    userId: String(row.user_id),
    scope: String(row.scope),
    resource: textOrNull(row.resource),
    familyId: String(row.family_id),
    parentId: textOrNull(row.parent_id),
    revokedAt: dateOrNull(row.revoked_at),
    expiresAt: dateOf(row.expires_at),
    createdAt: dateOf(row.created_at),
  };
}

function storedToken(row: Row): StoredRefreshToken {
  return {
    ...tokenOf(row),
    family:
      row.f_id === null
        ? null
        : {
            id: String(row.f_id),
            headTokenId: String(row.f_head_token_id),
            previousTokenId: textOrNull(row.f_previous_token_id),
            rotatedAt: dateOrNull(row.f_rotated_at),
            revokedAt: dateOrNull(row.f_revoked_at),
          },
    owner:
      row.u_id === null
        ? null
        : {
            id: String(row.u_id),
            username: String(row.u_username),
            enabled: Boolean(row.u_enabled),
            tokensInvalidBefore: dateOrNull(row.u_tokens_invalid_before),
          },
  };
}
