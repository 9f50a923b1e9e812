import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * The APIs (resource servers) organizations protect with Gatehouse, with their scopes. On MariaDB
 * the new table takes the exact collation the other tables have (see ExactIdentifiers), before
 * its foreign key is added: a key needs the same collation at both ends.
 */
export class ApiResources1764500000000 implements MigrationInterface {
  name = 'ApiResources1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'api_resource',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'organization_id', type: 'varchar', length: '36' },
          { name: 'identifier', type: 'varchar', length: '255' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'scopes', type: 'text' },
          { name: 'access_token_lifespan_seconds', type: 'integer', isNullable: true },
          { name: 'signing_algorithm', type: 'varchar', length: '16', isNullable: true },
          { name: 'require_project_scoped_tokens', type: 'boolean', default: 0 },
          { name: 'is_default', type: 'boolean', default: 0 },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'uq_api_resource_identifier', columnNames: ['organization_id', 'identifier'], isUnique: true })],
      }),
    );
    if (isMariaDb(queryRunner)) {
      const [organization] = (await queryRunner.query("SELECT table_collation AS collation FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'organization'")) as { collation: string }[];
      const collation = organization!.collation;
      await queryRunner.query(`ALTER TABLE \`api_resource\` CONVERT TO CHARACTER SET ${collation.split('_')[0]!} COLLATE ${collation}`);
    }
    await queryRunner.createForeignKey(
      'api_resource',
      new TableForeignKey({ name: 'fk_api_resource_organization', columnNames: ['organization_id'], referencedTableName: 'organization', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('api_resource');
  }
}

function isMariaDb(queryRunner: QueryRunner): boolean {
  return ['mariadb', 'mysql'].includes(queryRunner.connection.driver.options.type);
}
