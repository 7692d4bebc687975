import { MigrationInterface, QueryRunner, Table } from 'typeorm';

// The token endpoint's per-client fixed-window counters, one row per client, shared by
// every instance on the database. window_start is the window's start in epoch milliseconds.
export class TokenRateLimits1796026300000 implements MigrationInterface {
  name = 'TokenRateLimits1796026300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const isMysql = queryRunner.connection.options.type === 'mysql';
    const binary = isMysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {};
    await queryRunner.createTable(
      new Table({
        name: 'token_rate_limits',
        columns: [
          { name: 'client_id', type: 'varchar', length: '64', isPrimary: true, ...binary },
          { name: 'window_start', type: 'bigint' },
          { name: 'count', type: 'int' },
        ],
        indices: [{ name: 'ix_token_rate_limits_window_start', columnNames: ['window_start'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('token_rate_limits');
  }
}
