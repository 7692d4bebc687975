import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

// Sessions are updated with optimistic concurrency: every write names the version it read, so two
// requests of one browser racing on the same session (say, two consent decisions for one pending
// request) cannot both succeed.
export class SessionVersion1795421400000 implements MigrationInterface {
  name = 'SessionVersion1795421400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'sessions',
      new TableColumn({ name: 'version', type: 'int', default: 0 }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('sessions', 'version');
  }
}
