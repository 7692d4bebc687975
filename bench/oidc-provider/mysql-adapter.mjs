// oidc-provider storing everything in MySQL, as Portcullis does (server.mjs uses it when
// BENCH_ADAPTER=mysql, on the database in BENCH_ADAPTER_URL): the like-for-like peer, which waits
// for a database on every operation. The usual shape of a SQL adapter for oidc-provider: one table,
// one row per model instance with its payload as JSON, indexed by grant, session uid and user code;
// every method is one statement on a connection pool.
import mysql from 'mysql2/promise';
import { GRANTABLE_MODELS } from './grantable.mjs';

export async function mysqlAdapter(url) {
  const pool = mysql.createPool({ uri: url, connectionLimit: 10 });
  await pool.query(`
    CREATE TABLE IF NOT EXISTS oidc_models (
      model VARCHAR(64) NOT NULL,
      id VARCHAR(255) NOT NULL,
      payload LONGTEXT NOT NULL,
      grant_id VARCHAR(255) NULL,
      uid VARCHAR(255) NULL,
      user_code VARCHAR(255) NULL,
      expires_at DATETIME(3) NULL,
      consumed_at DATETIME(3) NULL,
      PRIMARY KEY (model, id),
      KEY oidc_models_grant (grant_id),
      KEY oidc_models_uid (uid),
      KEY oidc_models_user_code (user_code)
    ) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);

  const one = async (where, params) => {
    const [rows] = await pool.execute(
      `SELECT payload, consumed_at FROM oidc_models
       WHERE ${where} AND (expires_at IS NULL OR expires_at > ?)`,
      [...params, new Date()],
    );
    if (rows.length === 0) {
      return undefined;
    }
    const payload = JSON.parse(rows[0].payload);
    return rows[0].consumed_at
      ? { ...payload, consumed: Math.floor(rows[0].consumed_at.getTime() / 1000) }
      : payload;
  };

  return class MysqlAdapter {
    constructor(model) {
      this.model = model;
    }

    async upsert(id, payload, expiresIn) {
      const expiresAt =
        typeof expiresIn === 'number' ? new Date(Date.now() + expiresIn * 1000) : null;
      await pool.execute(
        `INSERT INTO oidc_models (model, id, payload, grant_id, uid, user_code, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE payload = VALUES(payload), grant_id = VALUES(grant_id),
           uid = VALUES(uid), user_code = VALUES(user_code), expires_at = VALUES(expires_at)`,
        [
          this.model,
          id,
          JSON.stringify(payload),
          payload.grantId ?? null,
          payload.uid ?? null,
          payload.userCode ?? null,
          expiresAt,
        ],
      );
    }

    find(id) {
      return one('model = ? AND id = ?', [this.model, id]);
    }

    findByUid(uid) {
      return one('model = ? AND uid = ?', [this.model, uid]);
    }

    findByUserCode(userCode) {
      return one('model = ? AND user_code = ?', [this.model, userCode]);
    }

    async consume(id) {
      await pool.execute('UPDATE oidc_models SET consumed_at = ? WHERE model = ? AND id = ?', [
        new Date(),
        this.model,
        id,
      ]);
    }

    async destroy(id) {
      await pool.execute('DELETE FROM oidc_models WHERE model = ? AND id = ?', [this.model, id]);
    }

    async revokeByGrantId(grantId) {
      await pool.execute(
        `DELETE FROM oidc_models WHERE grant_id = ? AND model IN (${GRANTABLE_MODELS.map(() => '?').join(', ')})`,
        [grantId, ...GRANTABLE_MODELS],
      );
    }
  };
}
