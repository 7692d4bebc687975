import { DataSource } from 'typeorm';
import { hydrate, selectColumns } from '../database/prepared-select';
import { User } from '../users/user.entity';
import { AccessToken } from './access-token.entity';

// What identifies a presented token's row: an opaque token's SHA-256, or a verified JWT's jti.
// A JWT's key carries its `aud`, which must be the audience its row records.
export type TokenKey = { tokenHash: string } | { jti: string; aud: string };

// The one read of every bearer check and access-token introspection: the token row with its user
// (none for a client's own token) and its client's current scope, if its client is usable (enabled
// and approved).
export class LiveTokenQuery {
  private readonly byHash: string;
  private readonly byJti: string;

  constructor(private readonly dataSource: DataSource) {
    const select = `SELECT ${selectColumns(dataSource, AccessToken, 't')}, ${selectColumns(dataSource, User, 'u')},
        c.scope AS client_scope
      FROM access_tokens t
      INNER JOIN clients c ON c.client_id = t.client_id AND c.enabled = 1 AND c.status = 'approved'
      LEFT JOIN users u ON u.id = t.user_id`;
    this.byHash = `${select} WHERE t.token_hash = ?`;
    this.byJti = `${select} WHERE t.id = ? AND t.format = 'jwt'`;
  }

  async find(key: TokenKey): Promise<(AccessToken & { clientScope: string }) | null> {
    const [sql, value] = 'jti' in key ? [this.byJti, key.jti] : [this.byHash, key.tokenHash];
    const [raw] = await this.dataSource.query<Record<string, unknown>[]>(sql, [value]);
    if (!raw) {
      return null;
    }
    const token = hydrate(this.dataSource, AccessToken, raw, 't');
    if (raw.u_id !== null && raw.u_id !== undefined) {
      token.owner = hydrate(this.dataSource, User, raw, 'u');
    }
    return Object.assign(token, { clientScope: String(raw.client_scope) });
  }
}
