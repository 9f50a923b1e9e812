import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/** MariaDB's and MySQL 8's byte-for-byte, no-pad collations, best first (see ExactIdentifiers). */
const EXACT_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'];

/**
 * Roles an organization defines (`organization_role`), and room for their names in users'
 * memberships, which held only the built-in names until now. On MariaDB the new table's text
 * columns get the exact collation every other table has (ExactIdentifiers): the database default
 * would compare role names case-insensitively, and its organization id could not reference
 * `organization.id` under another collation.
 */
export class OrganizationRoles1764510000000 implements MigrationInterface {
  name = 'OrganizationRoles1764510000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const collation = isMariaDb(queryRunner) ? await exactCollation(queryRunner) : undefined;
    const text = collation === undefined ? {} : { charset: collation.split('_')[0], collation };
    await queryRunner.createTable(
      new Table({
        name: 'organization_role',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true, ...text },
          { name: 'organization_id', type: 'varchar', length: '36', ...text },
          { name: 'name', type: 'varchar', length: '64', ...text },
          { name: 'description', type: 'varchar', length: '1000', ...text },
          { name: 'scopes', type: 'text', ...text },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'uq_organization_role_name', columnNames: ['organization_id', 'name'], isUnique: true })],
        foreignKeys: [
          new TableForeignKey({ name: 'fk_organization_role_organization', columnNames: ['organization_id'], referencedTableName: 'organization', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
        ],
      }),
    );
    if (collation !== undefined) await queryRunner.query(`ALTER TABLE organization_role DEFAULT CHARACTER SET ${collation.split('_')[0]} COLLATE ${collation}`);
    // An organization's role names are up to 63 characters; the column keeps the table's exact collation.
    await queryRunner.changeColumn('organization_membership', 'role', new TableColumn({ name: 'role', type: 'varchar', length: '64', ...text }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const collation = isMariaDb(queryRunner) ? await exactCollation(queryRunner) : undefined;
    const text = collation === undefined ? {} : { charset: collation.split('_')[0], collation };
    // Memberships naming a role that goes with this table fall back to a plain member.
    await queryRunner.query("UPDATE organization_membership SET role = 'member' WHERE role NOT IN ('member', 'administer-account', 'administer-clients')");
    await queryRunner.changeColumn('organization_membership', 'role', new TableColumn({ name: 'role', type: 'varchar', length: '32', ...text }));
    await queryRunner.dropTable('organization_role');
  }
}

function isMariaDb(queryRunner: QueryRunner): boolean {
  return ['mariadb', 'mysql'].includes(queryRunner.connection.driver.options.type);
}

async function exactCollation(queryRunner: QueryRunner): Promise<string> {
  const available = new Set(((await queryRunner.query(`SHOW COLLATION WHERE Collation IN (${EXACT_COLLATIONS.map(() => '?').join(', ')})`, EXACT_COLLATIONS)) as { Collation: string }[]).map((row) => row.Collation));
  return EXACT_COLLATIONS.find((collation) => available.has(collation)) ?? 'utf8mb4_bin';
}
