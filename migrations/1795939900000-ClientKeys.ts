import { MigrationInterface, QueryRunner, Table, TableColumn, TableColumnOptions } from 'typeorm';

// private_key_jwt (RFC 7523 §2.2): a client's public keys, inline (`jwks`) or at a URL
// (`jwks_uri`), and the ids of the client assertions already used, kept until they expire. The
// primary key makes a second use fail on every instance alike.
export class ClientKeys1795939900000 implements MigrationInterface {
  name = 'ClientKeys1795939900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const isMysql = queryRunner.connection.options.type === 'mysql';
    const binary = isMysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {};
    const varchar = (name: string, length: number, nullable = false) =>
      ({
        name,
        type: 'varchar',
        length: String(length),
        isNullable: nullable,
        ...binary,
      }) as TableColumnOptions;

    await queryRunner.addColumns('clients', [
      new TableColumn({ name: 'jwks', type: 'text', isNullable: true, ...binary }),
      new TableColumn(varchar('jwks_uri', 2000, true)),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'client_assertion_jtis',
        columns: [
          { ...varchar('client_id', 64), isPrimary: true },
          // SHA-256 (hex) of the jti, which may be long.
          { ...varchar('jti_hash', 64), isPrimary: true },
          { name: 'expires_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'ix_client_assertion_jtis_expires_at', columnNames: ['expires_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('client_assertion_jtis');
    await queryRunner.dropColumn('clients', 'jwks_uri');
    await queryRunner.dropColumn('clients', 'jwks');
  }
}
