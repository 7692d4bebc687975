import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumnOptions,
  TableForeignKey,
} from 'typeorm';

// One schema for SQLite and MySQL. On MySQL every text column is utf8mb4 (whatever the database
// default is), and identifier, hash and redirect-URI columns use a binary collation: MySQL compares
// text case-insensitively by default, which would make `ABC` match the hash or id `abc`.
// This migration is self-contained on purpose: shared helpers would let later edits rewrite history.

type ColumnKind = 'binary' | 'text';

export class CreateSchema1795335000000 implements MigrationInterface {
  name = 'CreateSchema1795335000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const isMysql = queryRunner.connection.options.type === 'mysql';
    const charset = (kind: ColumnKind) =>
      isMysql
        ? {
            charset: 'utf8mb4',
            collation: kind === 'binary' ? 'utf8mb4_bin' : 'utf8mb4_unicode_ci',
          }
        : {};
    const varchar = (name: string, length: number, kind: ColumnKind, nullable = false) =>
      ({
        name,
        type: 'varchar',
        length: String(length),
        isNullable: nullable,
        ...charset(kind),
      }) as TableColumnOptions;
    const text = (name: string, kind: ColumnKind = 'text') =>
      ({ name, type: 'text', ...charset(kind) }) as TableColumnOptions;
    const timestamp = (name: string, nullable = false) =>
      ({ name, type: 'datetime', precision: 3, isNullable: nullable }) as TableColumnOptions;
    const flag = (name: string) => ({ name, type: 'boolean' }) as TableColumnOptions;
    const primary = (column: TableColumnOptions) => ({ ...column, isPrimary: true });
    const cascadeTo = (columnName: string, table: 'users' | 'clients') =>
      new TableForeignKey({
        columnNames: [columnName],
        referencedTableName: table,
        referencedColumnNames: [table === 'users' ? 'id' : 'client_id'],
        onDelete: 'CASCADE',
      });

    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          primary(varchar('id', 36, 'binary')),
          varchar('username', 64, 'binary'),
          varchar('email', 254, 'text', true),
          varchar('name', 200, 'text', true),
          varchar('password_hash', 255, 'binary'),
          varchar('role', 16, 'binary'),
          flag('enabled'),
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        indices: [{ name: 'uq_users_username', columnNames: ['username'], isUnique: true }],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'clients',
        columns: [
          primary(varchar('client_id', 64, 'binary')),
          varchar('secret_hash', 64, 'binary', true),
          varchar('client_name', 200, 'text'),
          text('redirect_uris', 'binary'),
          text('grant_types', 'binary'),
          text('scope', 'binary'),
          varchar('token_endpoint_auth_method', 32, 'binary'),
          varchar('access_token_format', 16, 'binary'),
          flag('require_pkce'),
          text('allowed_origins', 'binary'),
          flag('skip_consent'),
          flag('introspection_allowed'),
          flag('enabled'),
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'authorization_codes',
        columns: [
          primary(varchar('id', 36, 'binary')),
          varchar('code_hash', 64, 'binary'),
          varchar('client_id', 64, 'binary'),
          varchar('user_id', 36, 'binary'),
          varchar('redirect_uri', 2048, 'binary'),
          text('scope', 'binary'),
          varchar('code_challenge', 128, 'binary', true),
          varchar('code_challenge_method', 8, 'binary', true),
          varchar('family_id', 36, 'binary'),
          timestamp('expires_at'),
          timestamp('consumed_at', true),
          timestamp('created_at'),
        ],
        indices: [
          { name: 'uq_authorization_codes_code_hash', columnNames: ['code_hash'], isUnique: true },
          { name: 'ix_authorization_codes_expires_at', columnNames: ['expires_at'] },
        ],
        foreignKeys: [cascadeTo('client_id', 'clients'), cascadeTo('user_id', 'users')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'access_tokens',
        columns: [
          primary(varchar('id', 36, 'binary')),
          varchar('token_hash', 64, 'binary', true),
          varchar('format', 8, 'binary'),
          varchar('client_id', 64, 'binary'),
          varchar('user_id', 36, 'binary', true),
          text('scope', 'binary'),
          varchar('family_id', 36, 'binary'),
          timestamp('expires_at'),
          timestamp('revoked_at', true),
          timestamp('created_at'),
        ],
        indices: [
          { name: 'uq_access_tokens_token_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'ix_access_tokens_family_id', columnNames: ['family_id'] },
          { name: 'ix_access_tokens_expires_at', columnNames: ['expires_at'] },
        ],
        foreignKeys: [cascadeTo('client_id', 'clients'), cascadeTo('user_id', 'users')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          primary(varchar('id', 36, 'binary')),
          varchar('token_hash', 64, 'binary'),
          varchar('client_id', 64, 'binary'),
          varchar('user_id', 36, 'binary'),
          text('scope', 'binary'),
          varchar('family_id', 36, 'binary'),
          varchar('parent_id', 36, 'binary', true),
          timestamp('rotated_at', true),
          timestamp('revoked_at', true),
          timestamp('expires_at'),
          timestamp('created_at'),
        ],
        indices: [
          { name: 'uq_refresh_tokens_token_hash', columnNames: ['token_hash'], isUnique: true },
          { name: 'ix_refresh_tokens_family_id', columnNames: ['family_id'] },
          { name: 'ix_refresh_tokens_expires_at', columnNames: ['expires_at'] },
        ],
        foreignKeys: [cascadeTo('client_id', 'clients'), cascadeTo('user_id', 'users')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'consents',
        columns: [
          primary(varchar('id', 36, 'binary')),
          varchar('user_id', 36, 'binary'),
          varchar('client_id', 64, 'binary'),
          text('scope', 'binary'),
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        indices: [
          {
            name: 'uq_consents_user_client',
            columnNames: ['user_id', 'client_id'],
            isUnique: true,
          },
        ],
        foreignKeys: [cascadeTo('client_id', 'clients'), cascadeTo('user_id', 'users')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          primary(varchar('kid', 64, 'binary')),
          varchar('alg', 16, 'binary'),
          text('public_jwk', 'binary'),
          text('private_key_encrypted', 'binary'),
          timestamp('activated_at', true),
          timestamp('deactivated_at', true),
          timestamp('publish_until', true),
          timestamp('created_at'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          primary(varchar('id_hash', 64, 'binary')),
          varchar('user_id', 36, 'binary', true),
          text('data', 'binary'),
          timestamp('expires_at'),
          timestamp('updated_at'),
        ],
        indices: [
          { name: 'ix_sessions_expires_at', columnNames: ['expires_at'] },
          { name: 'ix_sessions_user_id', columnNames: ['user_id'] },
        ],
        foreignKeys: [cascadeTo('user_id', 'users')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'login_attempts',
        columns: [
          primary(varchar('key', 191, 'binary')),
          { name: 'failures', type: 'int' },
          timestamp('window_started_at'),
          timestamp('locked_until', true),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'login_attempts',
      'sessions',
      'signing_keys',
      'consents',
      'refresh_tokens',
      'access_tokens',
      'authorization_codes',
      'clients',
      'users',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
