import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

const BUILT_IN_ORGANIZATION_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Organizations (realms), their projects, and the organization and permissions of each client;
 * the resources that prove them end to end: Polaris's tables and Fides's policies and rules.
 * Existing clients move into the built-in organization, which keeps the Fides paths working.
 */
export class OrganizationsAndProjects1763900000000 implements MigrationInterface {
  name = 'OrganizationsAndProjects1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'organization',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'display_name', type: 'varchar', length: '200' },
          { name: 'oauth_enabled', type: 'boolean', default: 0 },
          { name: 'access_token_lifespan', type: 'integer', isNullable: true },
          { name: 'require_project_scoped_tokens', type: 'boolean', default: 1 },
          { name: 'is_builtin', type: 'boolean', default: 0 },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        uniques: [{ name: 'uq_organization_name', columnNames: ['name'] }],
      }),
    );
    // Plain SQL with `?` placeholders and a UTC timestamp string: the same statement on both engines.
    // The system time, not the Clock: migrations also run from the TypeORM CLI, outside the application.
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    // Clients of the built-in organization predate projects: its organization tokens keep working
    // (require_project_scoped_tokens = 0).
    await queryRunner.query(
      'INSERT INTO organization (id, name, display_name, oauth_enabled, access_token_lifespan, require_project_scoped_tokens, is_builtin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [BUILT_IN_ORGANIZATION_ID, 'default', 'Default organization', 1, null, 0, 1, now, now],
    );

    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'organization_id', type: 'varchar', length: '36', default: `'${BUILT_IN_ORGANIZATION_ID}'` }));
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'permissions', type: 'varchar', length: '1000', default: `'[]'` }));
    await queryRunner.createIndex('oauth_client', new TableIndex({ name: 'idx_oauth_client_organization', columnNames: ['organization_id'] }));
    await queryRunner.createForeignKey(
      'oauth_client',
      new TableForeignKey({ name: 'fk_oauth_client_organization', columnNames: ['organization_id'], referencedTableName: 'organization', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
    );
    // The default only moved existing rows into the built-in organization; new rows name theirs.
    await queryRunner.changeColumn('oauth_client', 'organization_id', new TableColumn({ name: 'organization_id', type: 'varchar', length: '36' }));

    await queryRunner.createTable(
      new Table({
        name: 'project',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'organization_id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'varchar', length: '1000', isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'idx_project_organization', columnNames: ['organization_id'] }],
        foreignKeys: [{ name: 'fk_project_organization', columnNames: ['organization_id'], referencedTableName: 'organization', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'data_table',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'project_id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'description', type: 'varchar', length: '1000', isNullable: true },
          { name: 'partitioning_granularity', type: 'varchar', length: '16' },
          { name: 'schema_mode', type: 'varchar', length: '16' },
          { name: 'created_by', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'uq_data_table_project_name', columnNames: ['project_id', 'name'], isUnique: true }],
        foreignKeys: [{ name: 'fk_data_table_project', columnNames: ['project_id'], referencedTableName: 'project', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'policy',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'organization_id', type: 'varchar', length: '36' },
          { name: 'key', type: 'varchar', length: '100' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'execution_timeframe', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [{ name: 'uq_policy_organization_key', columnNames: ['organization_id', 'key'], isUnique: true }],
        foreignKeys: [{ name: 'fk_policy_organization', columnNames: ['organization_id'], referencedTableName: 'organization', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'rule',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'organization_id', type: 'varchar', length: '36' },
          { name: 'policy_id', type: 'varchar', length: '36' },
          { name: 'key', type: 'varchar', length: '100' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'action_type', type: 'varchar', length: '16' },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          { name: 'uq_rule_organization_key', columnNames: ['organization_id', 'key'], isUnique: true },
          { name: 'idx_rule_policy', columnNames: ['policy_id'] },
        ],
        foreignKeys: [{ name: 'fk_rule_policy', columnNames: ['policy_id'], referencedTableName: 'policy', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rule');
    await queryRunner.dropTable('policy');
    await queryRunner.dropTable('data_table');
    await queryRunner.dropTable('project');
    await queryRunner.dropForeignKey('oauth_client', 'fk_oauth_client_organization');
    await queryRunner.dropIndex('oauth_client', 'idx_oauth_client_organization');
    await queryRunner.dropColumn('oauth_client', 'permissions');
    await queryRunner.dropColumn('oauth_client', 'organization_id');
    await queryRunner.dropTable('organization');
  }
}
