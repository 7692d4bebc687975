import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// A rotation is decided and recorded by one UPDATE of the family row: the head moves to the new
// token, and the family remembers the token it moved from (the one a retry may present again)
// and when that token was first rotated (where the reuse grace window starts). Tokens are then
// written once and never updated on rotation, so refresh_tokens.rotated_at goes; families of
// tokens rotated before take it over.
export class FamilyRotation1796112700000 implements MigrationInterface {
  name = 'FamilyRotation1796112700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const isMysql = queryRunner.connection.options.type === 'mysql';
    await queryRunner.addColumns('refresh_token_families', [
      new TableColumn({
        name: 'previous_token_id',
        type: 'varchar',
        length: '36',
        isNullable: true,
        ...(isMysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}),
      }),
      new TableColumn({ name: 'rotated_at', type: 'datetime', precision: 3, isNullable: true }),
    ]);
    await queryRunner.query(
      `UPDATE refresh_token_families SET
         previous_token_id = (SELECT h.parent_id FROM refresh_tokens h
           WHERE h.id = refresh_token_families.head_token_id),
         rotated_at = (SELECT p.rotated_at FROM refresh_tokens h
           JOIN refresh_tokens p ON p.id = h.parent_id
           WHERE h.id = refresh_token_families.head_token_id)`,
    );
    await queryRunner.dropColumn('refresh_tokens', 'rotated_at');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'refresh_tokens',
      new TableColumn({ name: 'rotated_at', type: 'datetime', precision: 3, isNullable: true }),
    );
    await queryRunner.query(
      `UPDATE refresh_tokens SET rotated_at = (SELECT f.rotated_at FROM refresh_token_families f
         WHERE f.previous_token_id = refresh_tokens.id)`,
    );
    await queryRunner.dropColumn('refresh_token_families', 'rotated_at');
    await queryRunner.dropColumn('refresh_token_families', 'previous_token_id');
  }
}
