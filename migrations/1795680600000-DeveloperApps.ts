import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumn,
  TableColumnOptions,
  TableForeignKey,
  TableIndex,
} from 'typeorm';

// Self-service: an application registered by a developer has an owner and starts `pending` until
// an operator approves it (clients registered by operators are `approved`). The audit table records
// who approved, rejected, rotated, consented and revoked, when and from where; it keeps ids, not
// foreign keys, so its records outlive the users and clients they name.
export class DeveloperApps1795680600000 implements MigrationInterface {
  name = 'DeveloperApps1795680600000';

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

    await queryRunner.addColumns('clients', [
      new TableColumn({
        ...varchar('status', 16, true, false),
        default: "'approved'",
      }),
      new TableColumn(varchar('owner_id', 36, true, true)),
      new TableColumn(varchar('client_uri', 2000, true, true)),
      new TableColumn(varchar('description', 1000, false, true)),
      new TableColumn(varchar('rejection_reason', 500, false, true)),
    ]);
    await queryRunner.createForeignKey(
      'clients',
      new TableForeignKey({
        columnNames: ['owner_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        // The application keeps serving its users; operators manage it from then on.
        onDelete: 'SET NULL',
      }),
    );
    await queryRunner.createIndex(
      'clients',
      new TableIndex({ name: 'ix_clients_owner_id', columnNames: ['owner_id'] }),
    );
    await queryRunner.createIndex(
      'clients',
      new TableIndex({ name: 'ix_clients_status', columnNames: ['status'] }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { ...varchar('id', 36, true, false), isPrimary: true },
          varchar('type', 40, true, false),
          varchar('actor_type', 16, true, false),
          varchar('actor_user_id', 36, true, true),
          varchar('user_id', 36, true, true),
          varchar('client_id', 64, true, true),
          varchar('ip', 64, true, true),
          { name: 'details', type: 'text', isNullable: true, ...charset(false) },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'ix_audit_events_created_at', columnNames: ['created_at'] },
          { name: 'ix_audit_events_user_id', columnNames: ['user_id', 'created_at'] },
          { name: 'ix_audit_events_actor_user_id', columnNames: ['actor_user_id', 'created_at'] },
          { name: 'ix_audit_events_client_id', columnNames: ['client_id', 'created_at'] },
          { name: 'ix_audit_events_type', columnNames: ['type', 'created_at'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_events');
    const clients = await queryRunner.getTable('clients');
    const ownerKey = clients?.foreignKeys.find((key) => key.columnNames.includes('owner_id'));
    if (ownerKey) {
      await queryRunner.dropForeignKey('clients', ownerKey);
    }
    await queryRunner.dropIndex('clients', 'ix_clients_status');
    await queryRunner.dropIndex('clients', 'ix_clients_owner_id');
    for (const column of ['rejection_reason', 'description', 'client_uri', 'owner_id', 'status']) {
      await queryRunner.dropColumn('clients', column);
    }
  }
}
