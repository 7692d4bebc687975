import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumn,
  TableColumnOptions,
  TableForeignKey,
} from 'typeorm';

// A refresh token family is one grant's chain of rotated refresh tokens. Its head is the one live
// token; every rotation moves the head with a conditional UPDATE (compare and set), so parallel
// refreshes of one token cannot leave two live tokens. users.tokens_invalid_before kills every
// token issued to a user before that instant (set when the user is disabled).
export class RefreshTokenFamilies1795507800000 implements MigrationInterface {
  name = 'RefreshTokenFamilies1795507800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const isMysql = queryRunner.connection.options.type === 'mysql';
    const id = (name: string, length: number) =>
      ({
        name,
        type: 'varchar',
        length: String(length),
        ...(isMysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}),
      }) as TableColumnOptions;
    const timestamp = (name: string, nullable: boolean) =>
      ({ name, type: 'datetime', precision: 3, isNullable: nullable }) as TableColumnOptions;
    const cascadeTo = (columnName: string, table: 'users' | 'clients') =>
      new TableForeignKey({
        columnNames: [columnName],
        referencedTableName: table,
        referencedColumnNames: [table === 'users' ? 'id' : 'client_id'],
        onDelete: 'CASCADE',
      });

    await queryRunner.createTable(
      new Table({
        name: 'refresh_token_families',
        columns: [
          { ...id('id', 36), isPrimary: true },
          id('client_id', 64),
          id('user_id', 36),
          id('head_token_id', 36),
          timestamp('revoked_at', true),
          timestamp('created_at', false),
        ],
        foreignKeys: [cascadeTo('client_id', 'clients'), cascadeTo('user_id', 'users')],
      }),
    );
    await queryRunner.addColumn('users', new TableColumn(timestamp('tokens_invalid_before', true)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('users', 'tokens_invalid_before');
    await queryRunner.dropTable('refresh_token_families');
  }
}
