import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

/** MariaDB's and MySQL 8's byte-for-byte, no-pad collations, best first (see ExactIdentifiers). */
const EXACT_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'];

/**
 * Pushed Authorization Requests (RFC 9126): the pushed requests themselves (their request_uri
 * stored as a SHA-256, shared by every instance), and the client's and the organization's
 * `require_pushed_authorization_requests` switches (off). On MariaDB the new table's text
 * columns get the exact collation every other table has (ExactIdentifiers).
 */
export class PushedAuthorizationRequests1764580000000 implements MigrationInterface {
  name = 'PushedAuthorizationRequests1764580000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const collation = isMariaDb(queryRunner) ? await exactCollation(queryRunner) : undefined;
    const text = collation === undefined ? {} : { charset: collation.split('_')[0], collation };
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'require_pushed_authorization_requests', type: 'boolean', default: 0 }));
    await queryRunner.addColumn('organization', new TableColumn({ name: 'require_pushed_authorization_requests', type: 'boolean', default: 0 }));
    await queryRunner.createTable(
      new Table({
        name: 'pushed_authorization_request',
        columns: [
          { name: 'request_uri_hash', type: 'varchar', length: '64', isPrimary: true, ...text },
          { name: 'client_id', type: 'varchar', length: '64', ...text },
          { name: 'realm', type: 'varchar', length: '64', isNullable: true, ...text },
          { name: 'parameters', type: 'text', ...text },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'opened_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'consumed_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_pushed_authorization_request_expires_at', columnNames: ['expires_at'] })],
        foreignKeys: [new TableForeignKey({ name: 'fk_pushed_authorization_request_client', columnNames: ['client_id'], referencedTableName: 'oauth_client', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' })],
      }),
    );
    if (collation !== undefined) await queryRunner.query(`ALTER TABLE pushed_authorization_request DEFAULT CHARACTER SET ${collation.split('_')[0]} COLLATE ${collation}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('pushed_authorization_request');
    await queryRunner.dropColumn('organization', 'require_pushed_authorization_requests');
    await queryRunner.dropColumn('oauth_client', 'require_pushed_authorization_requests');
  }
}

function isMariaDb(queryRunner: QueryRunner): boolean {
  return ['mariadb', 'mysql'].includes(queryRunner.connection.driver.options.type);
}

async function exactCollation(queryRunner: QueryRunner): Promise<string> {
  const available = new Set(((await queryRunner.query(`SHOW COLLATION WHERE Collation IN (${EXACT_COLLATIONS.map(() => '?').join(', ')})`, EXACT_COLLATIONS)) as { Collation: string }[]).map((row) => row.Collation));
  return EXACT_COLLATIONS.find((collation) => available.has(collation)) ?? 'utf8mb4_bin';
}
