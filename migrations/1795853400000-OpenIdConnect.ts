import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumn,
  TableColumnOptions,
  TableForeignKey,
} from 'typeorm';

// OpenID Connect: what an authorization code knows of the sign-in behind it (nonce, auth_time,
// sid, amr, the claims request), the algorithm each client's ID tokens are signed with, the users'
// standard claims, and one row per token family of an OpenID grant (read again on refresh).
export class OpenIdConnect1795853400000 implements MigrationInterface {
  name = 'OpenIdConnect1795853400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const isMysql = queryRunner.connection.options.type === 'mysql';
    const charset = (binary: boolean) =>
      isMysql
        ? { charset: 'utf8mb4', collation: binary ? 'utf8mb4_bin' : 'utf8mb4_unicode_ci' }
        : {};
    const varchar = (name: string, length: number, binary: boolean, nullable: boolean) =>
      ({
        name,
        type: 'varchar',
        length: String(length),
        isNullable: nullable,
        ...charset(binary),
      }) as TableColumnOptions;
    const text = (name: string, binary: boolean) =>
      ({ name, type: 'text', isNullable: true, ...charset(binary) }) as TableColumnOptions;

    await queryRunner.addColumn(
      'authorization_codes',
      new TableColumn(text('authentication', true)),
    );
    await queryRunner.addColumn(
      'clients',
      new TableColumn({
        ...varchar('id_token_signed_response_alg', 16, true, false),
        default: "'RS256'",
      }),
    );
    // RP-Initiated Logout 1.0 §3.1 and Back-Channel Logout 1.0 §2.2 client metadata.
    await queryRunner.addColumns('clients', [
      new TableColumn(text('post_logout_redirect_uris', true)),
      new TableColumn(varchar('backchannel_logout_uri', 2000, true, true)),
      new TableColumn({
        name: 'backchannel_logout_session_required',
        type: 'boolean',
        default: false,
      }),
    ]);
    await queryRunner.query(`UPDATE clients SET post_logout_redirect_uris = '[]'`);
    await queryRunner.addColumn('users', new TableColumn(text('standard_claims', false)));

    await queryRunner.createTable(
      new Table({
        name: 'oidc_grants',
        columns: [
          { ...varchar('family_id', 36, true, false), isPrimary: true },
          varchar('client_id', 64, true, false),
          varchar('user_id', 36, true, false),
          varchar('sid', 64, true, true),
          { name: 'auth_time', type: 'datetime', precision: 3 },
          varchar('amr', 64, true, false),
          text('claims', true),
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'ix_oidc_grants_sid', columnNames: ['sid'] },
          { name: 'ix_oidc_grants_user_id', columnNames: ['user_id'] },
          { name: 'ix_oidc_grants_client_id', columnNames: ['client_id'] },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['user_id'],
            referencedTableName: 'users',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
          new TableForeignKey({
            columnNames: ['client_id'],
            referencedTableName: 'clients',
            referencedColumnNames: ['client_id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'backchannel_logouts',
        columns: [
          { ...varchar('id', 36, true, false), isPrimary: true },
          varchar('client_id', 64, true, false),
          { name: 'logout_token', type: 'text', ...charset(true) },
          varchar('status', 16, true, false),
          { name: 'attempts', type: 'int' },
          { name: 'next_attempt_at', type: 'datetime', precision: 3 },
          { name: 'lease_until', type: 'datetime', precision: 3, isNullable: true },
          varchar('last_error', 500, false, true),
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'delivered_at', type: 'datetime', precision: 3, isNullable: true },
        ],
        indices: [
          { name: 'ix_backchannel_logouts_due', columnNames: ['status', 'next_attempt_at'] },
          { name: 'ix_backchannel_logouts_created_at', columnNames: ['created_at'] },
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['client_id'],
            referencedTableName: 'clients',
            referencedColumnNames: ['client_id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('backchannel_logouts');
    await queryRunner.dropTable('oidc_grants');
    await queryRunner.dropColumn('users', 'standard_claims');
    await queryRunner.dropColumns('clients', [
      'id_token_signed_response_alg',
      'post_logout_redirect_uris',
      'backchannel_logout_uri',
      'backchannel_logout_session_required',
    ]);
    await queryRunner.dropColumn('authorization_codes', 'authentication');
  }
}
