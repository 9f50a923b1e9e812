import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** MariaDB's and MySQL 8's byte-for-byte, no-pad collations, best first (see ExactIdentifiers). */
const EXACT_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'];

/**
 * The device authorization grant (RFC 8628): one row per request a device made, until it expires
 * or is redeemed (and a while after). On MariaDB the table's text columns get the exact collation
 * every other table has (ExactIdentifiers): code hashes and user codes compare byte for byte.
 */
export class DeviceAuthorization1764590000000 implements MigrationInterface {
  name = 'DeviceAuthorization1764590000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const mariaDb = ['mariadb', 'mysql'].includes(queryRunner.connection.driver.options.type);
    const collation = mariaDb ? await exactCollation(queryRunner) : undefined;
    const text = collation === undefined ? {} : { charset: collation.split('_')[0], collation };
    await queryRunner.createTable(
      new Table({
        name: 'device_authorization',
        columns: [
          { name: 'device_code_hash', type: 'varchar', length: '64', isPrimary: true, ...text },
          { name: 'user_code', type: 'varchar', length: '16', ...text },
          { name: 'client_id', type: 'varchar', length: '64', ...text },
          { name: 'organization_id', type: 'varchar', length: '36', ...text },
          { name: 'scopes', type: 'text', ...text },
          { name: 'status', type: 'varchar', length: '16', ...text },
          { name: 'user_id', type: 'varchar', length: '36', isNullable: true, ...text },
          { name: 'auth_time', type: 'datetime', precision: 3, isNullable: true },
          { name: 'interval_seconds', type: 'integer' },
          { name: 'last_polled_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'consumed_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'uq_device_authorization_user_code', columnNames: ['user_code'], isUnique: true }), new TableIndex({ name: 'idx_device_authorization_expires_at', columnNames: ['expires_at'] })],
        foreignKeys: [
          new TableForeignKey({ name: 'fk_device_authorization_client', columnNames: ['client_id'], referencedTableName: 'oauth_client', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
          new TableForeignKey({ name: 'fk_device_authorization_user', columnNames: ['user_id'], referencedTableName: 'user_account', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
        ],
      }),
    );
    if (collation !== undefined) await queryRunner.query(`ALTER TABLE device_authorization DEFAULT CHARACTER SET ${collation.split('_')[0]} COLLATE ${collation}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('device_authorization');
  }
}

async function exactCollation(queryRunner: QueryRunner): Promise<string> {
  const available = new Set(((await queryRunner.query(`SHOW COLLATION WHERE Collation IN (${EXACT_COLLATIONS.map(() => '?').join(', ')})`, EXACT_COLLATIONS)) as { Collation: string }[]).map((row) => row.Collation));
  return EXACT_COLLATIONS.find((collation) => available.has(collation)) ?? 'utf8mb4_bin';
}
