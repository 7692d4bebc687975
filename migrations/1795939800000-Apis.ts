import { MigrationInterface, QueryRunner, Table, TableColumn, TableColumnOptions } from 'typeorm';

// APIs (resource servers, RFC 8707): an identifier used as the tokens' `aud`, a name, the scopes
// they define and their token format and lifetime. An access token, a refresh token and an
// authorization code record the API they are for (null: the built-in API, `<ISSUER>/api`).
export class Apis1795939800000 implements MigrationInterface {
  name = 'Apis1795939800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const isMysql = queryRunner.connection.options.type === 'mysql';
    const charset = (binary: boolean) =>
      isMysql
        ? { charset: 'utf8mb4', collation: binary ? 'utf8mb4_bin' : 'utf8mb4_unicode_ci' }
        : {};
    const varchar = (name: string, length: number, binary: boolean, nullable = false) =>
      ({
        name,
        type: 'varchar',
        length: String(length),
        isNullable: nullable,
        ...charset(binary),
      }) as TableColumnOptions;
    const timestamp = (name: string) =>
      ({ name, type: 'datetime', precision: 3 }) as TableColumnOptions;

    await queryRunner.createTable(
      new Table({
        name: 'apis',
        columns: [
          { ...varchar('id', 36, true), isPrimary: true },
          // 255 characters keep the unique index within MySQL's key length in utf8mb4.
          varchar('identifier', 255, true),
          varchar('name', 200, false),
          { name: 'scopes', type: 'text', ...charset(true) },
          varchar('access_token_format', 16, true),
          { name: 'access_token_ttl', type: 'int' },
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        indices: [{ name: 'uq_apis_identifier', columnNames: ['identifier'], isUnique: true }],
      }),
    );
    for (const table of ['access_tokens', 'refresh_tokens', 'authorization_codes']) {
      await queryRunner.addColumn(table, new TableColumn(varchar('resource', 255, true, true)));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['authorization_codes', 'refresh_tokens', 'access_tokens']) {
      await queryRunner.dropColumn(table, 'resource');
    }
    await queryRunner.dropTable('apis');
  }
}
