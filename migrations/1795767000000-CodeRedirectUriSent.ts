import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// RFC 6749 §4.1.3: redirect_uri is required at the token endpoint when the authorization request
// sent it. A code records whether it did (codes issued before this migration: as if it did not,
// the rule they were issued under).
export class CodeRedirectUriSent1795767000000 implements MigrationInterface {
  name = 'CodeRedirectUriSent1795767000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'authorization_codes',
      new TableColumn({ name: 'redirect_uri_sent', type: 'boolean', default: false }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('authorization_codes', 'redirect_uri_sent');
  }
}
