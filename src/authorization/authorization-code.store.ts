import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Client } from '../clients/client.entity';
import { CLIENT_COLUMNS, clientOfRow } from '../clients/client-row';
import { dateOf, dateOrNull, Row, Sql, textOrNull } from '../database/sql';
import { AuthorizationCode } from './authorization-code.entity';

// The user a code was issued to, as its redemption checks it (null: the user is gone).
export type CodeOwner = { enabled: boolean; tokensInvalidBefore: Date | null };
export type StoredCode = AuthorizationCode & { owner: CodeOwner | null };

// The SQL of authorization codes; each method is one statement, in the caller's transaction.
@Injectable()
export class AuthorizationCodeStore {
  private readonly sql: Sql;

  private readonly byHash: string;
  private readonly withClient: string;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.sql = new Sql(dataSource);
    const users = 'LEFT JOIN users u ON u.id = k.user_id';
    this.byHash = `SELECT ${CODE_COLUMNS} FROM authorization_codes k ${users} WHERE k.code_hash = ?`;
    this.withClient = `SELECT ${CLIENT_COLUMNS(dataSource)}, ${CODE_COLUMNS}
      FROM clients c LEFT JOIN authorization_codes k ON k.code_hash = ? ${users}
      WHERE c.client_id = ?`;
  }

  async insert(code: AuthorizationCode): Promise<void> {
    await this.sql.run(
      null,
      `INSERT INTO authorization_codes (id, code_hash, client_id, user_id, redirect_uri,
          redirect_uri_sent, scope, code_challenge, resource, code_challenge_method, family_id,
          authentication, expires_at, consumed_at, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        code.id,
        code.codeHash,
        code.clientId,
        code.userId,
        code.redirectUri,
        code.redirectUriSent,
        code.scope,
        code.codeChallenge,
        code.resource,
        code.codeChallengeMethod,
        code.familyId,
        code.authentication,
        code.expiresAt,
        code.consumedAt,
        code.createdAt,
      ],
    );
  }

  // The single-use decision: true for exactly one of any number of concurrent calls.
  async consume(manager: EntityManager | null, codeHash: string, now: Date): Promise<boolean> {
    const affected = await this.sql.run(
      manager,
      `UPDATE authorization_codes SET consumed_at = ?
        WHERE code_hash = ? AND consumed_at IS NULL AND expires_at > ?`,
      [now, codeHash, now],
    );
    return affected === 1;
  }

  // The code, used or not, with the state of its user.
  async findByHash(manager: EntityManager | null, codeHash: string): Promise<StoredCode | null> {
    const row = await this.sql.row(manager, this.byHash, [codeHash]);
    return row && storedCode(row);
  }

  // A code exchange's one read: the client by id, and the presented code whichever client it was
  // issued to (a code presented by another client is still spent, and refused).
  async findWithClient(
    clientId: string,
    codeHash: string,
  ): Promise<{ client: Client | null; code: StoredCode | null }> {
    const row = await this.sql.row(null, this.withClient, [codeHash, clientId]);
    const client = clientOfRow(this.dataSource, row, clientId);
    return { client, code: row && client && row.id !== null ? storedCode(row) : null };
  }
}

// A code with its user's state (aliases k and u).
const CODE_COLUMNS = `k.id, k.code_hash, k.client_id, k.user_id, k.redirect_uri,
  k.redirect_uri_sent, k.scope, k.code_challenge, k.resource, k.code_challenge_method, k.family_id,
  k.authentication, k.expires_at, k.consumed_at, k.created_at,
  u.id AS u_id, u.enabled AS u_enabled, u.tokens_invalid_before AS u_tokens_invalid_before`;

function storedCode(row: Row): StoredCode {
  return {
    id: String(row.id),
    codeHash: String(row.code_hash),
    clientId: String(row.client_id),
    userId: String(row.user_id),
    redirectUri: String(row.redirect_uri),
    redirectUriSent: Boolean(row.redirect_uri_sent),
    scope: String(row.scope),
    codeChallenge: textOrNull(row.code_challenge),
    resource: textOrNull(row.resource),
    codeChallengeMethod: textOrNull(row.code_challenge_method),
    familyId: String(row.family_id),
    authentication: textOrNull(row.authentication),
    expiresAt: dateOf(row.expires_at),
    consumedAt: dateOrNull(row.consumed_at),
    createdAt: dateOf(row.created_at),
    owner:
      row.u_id === null
        ? null
        : {
            enabled: Boolean(row.u_enabled),
            tokensInvalidBefore: dateOrNull(row.u_tokens_invalid_before),
          },
  };
}
