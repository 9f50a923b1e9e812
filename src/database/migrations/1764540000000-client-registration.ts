import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/** MariaDB's and MySQL 8's byte-for-byte, no-pad collations, best first (see ExactIdentifiers). */
const EXACT_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'];

/**
 * Dynamic Client Registration (RFC 7591, RFC 7592): a client's `client_uri` and Polar's
 * `default_sub_type`, an organization's
 * `open_registration` switch (off), the registration of each dynamically registered client (its
 * hashed registration access token and the metadata the client model has no column for), and the
 * initial access tokens administrators issue. On MariaDB the new tables' text columns get the exact
 * collation every other table has (ExactIdentifiers): token hashes and client ids compare byte for byte.
 */
export class ClientRegistration1764540000000 implements MigrationInterface {
  name = 'ClientRegistration1764540000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const collation = isMariaDb(queryRunner) ? await exactCollation(queryRunner) : undefined;
    const text = collation === undefined ? {} : { charset: collation.split('_')[0], collation };
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'client_uri', type: 'varchar', length: '2000', isNullable: true, ...text }));
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'default_sub_type', type: 'varchar', length: '16', isNullable: true, ...text }));
    await queryRunner.addColumn('organization', new TableColumn({ name: 'open_registration', type: 'boolean', default: 0 }));
    await queryRunner.createTable(
      new Table({
        name: 'client_registration',
        columns: [
          { name: 'client_id', type: 'varchar', length: '64', isPrimary: true, ...text },
          { name: 'registration_token_hash', type: 'varchar', length: '64', ...text },
          { name: 'token_endpoint_auth_method', type: 'varchar', length: '32', ...text },
          { name: 'max_scopes', type: 'text', ...text },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'uq_client_registration_token_hash', columnNames: ['registration_token_hash'], isUnique: true })],
        foreignKeys: [new TableForeignKey({ name: 'fk_client_registration_client', columnNames: ['client_id'], referencedTableName: 'oauth_client', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'initial_access_token',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true, ...text },
          { name: 'organization_id', type: 'varchar', length: '36', ...text },
          { name: 'name', type: 'varchar', length: '100', ...text },
          { name: 'token_hash', type: 'varchar', length: '64', ...text },
          { name: 'token_prefix', type: 'varchar', length: '16', ...text },
          { name: 'scopes', type: 'text', ...text },
          { name: 'max_uses', type: 'integer' },
          { name: 'uses', type: 'integer', default: 0 },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'revoked_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'uq_initial_access_token_hash', columnNames: ['token_hash'], isUnique: true }), new TableIndex({ name: 'idx_initial_access_token_organization', columnNames: ['organization_id'] })],
        foreignKeys: [new TableForeignKey({ name: 'fk_initial_access_token_organization', columnNames: ['organization_id'], referencedTableName: 'organization', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' })],
      }),
    );
    if (collation !== undefined) {
      for (const table of ['client_registration', 'initial_access_token']) await queryRunner.query(`ALTER TABLE ${table} DEFAULT CHARACTER SET ${collation.split('_')[0]} COLLATE ${collation}`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('initial_access_token');
    await queryRunner.dropTable('client_registration');
    await queryRunner.dropColumn('organization', 'open_registration');
    await queryRunner.dropColumn('oauth_client', 'default_sub_type');
    await queryRunner.dropColumn('oauth_client', 'client_uri');
  }
}

function isMariaDb(queryRunner: QueryRunner): boolean {
  return ['mariadb', 'mysql'].includes(queryRunner.connection.driver.options.type);
}

async function exactCollation(queryRunner: QueryRunner): Promise<string> {
  const available = new Set(((await queryRunner.query(`SHOW COLLATION WHERE Collation IN (${EXACT_COLLATIONS.map(() => '?').join(', ')})`, EXACT_COLLATIONS)) as { Collation: string }[]).map((row) => row.Collation));
  return EXACT_COLLATIONS.find((collation) => available.has(collation)) ?? 'utf8mb4_bin';
}
