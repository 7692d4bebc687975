import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// The version of a client that an operator reviews: every change to what the review covers
// increments it, and a decision names the version it was made on (SECURITY.md: an approval covers
// the version that was reviewed).
export class ClientReviewVersion1796026400000 implements MigrationInterface {
  name = 'ClientReviewVersion1796026400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'clients',
      new TableColumn({ name: 'review_version', type: 'int', isNullable: false, default: 1 }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('clients', 'review_version');
  }
}
