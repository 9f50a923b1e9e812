import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Token lifecycle: not-before times on clients and organizations, revoked tokens, the change
 * feed that carries revocations and cache invalidations to every server process, and the audit
 * trail.
 */
export class TokenLifecycle1764000000000 implements MigrationInterface {
  name = 'TokenLifecycle1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'not_before', type: 'datetime', precision: 3, isNullable: true }));
    await queryRunner.addColumn('organization', new TableColumn({ name: 'not_before', type: 'datetime', precision: 3, isNullable: true }));

    await queryRunner.createTable(
      new Table({
        name: 'revoked_token',
        columns: [
          { name: 'jti', type: 'varchar', length: '64', isPrimary: true },
          { name: 'client_id', type: 'varchar', length: '64' },
          { name: 'organization_id', type: 'varchar', length: '36' },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'revoked_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_revoked_token_expires_at', columnNames: ['expires_at'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'change_event',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'kind', type: 'varchar', length: '32' },
          { name: 'subject', type: 'varchar', length: '64' },
          { name: 'expires_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_change_event_created_at', columnNames: ['created_at'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_event',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'occurred_at', type: 'datetime', precision: 3 },
          { name: 'actor_type', type: 'varchar', length: '16' },
          { name: 'actor_id', type: 'varchar', length: '64' },
          { name: 'organization_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'target_type', type: 'varchar', length: '32' },
          { name: 'target_id', type: 'varchar', length: '64' },
          { name: 'source_ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'details', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'idx_audit_event_organization', columnNames: ['organization_id', 'id'] }),
          new TableIndex({ name: 'idx_audit_event_occurred_at', columnNames: ['occurred_at'] }),
          new TableIndex({ name: 'idx_audit_event_actor', columnNames: ['actor_id'] }),
          new TableIndex({ name: 'idx_audit_event_action', columnNames: ['action'] }),
          new TableIndex({ name: 'idx_audit_event_target', columnNames: ['target_id'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_event');
    await queryRunner.dropTable('change_event');
    await queryRunner.dropTable('revoked_token');
    await queryRunner.dropColumn('organization', 'not_before');
    await queryRunner.dropColumn('oauth_client', 'not_before');
  }
}
