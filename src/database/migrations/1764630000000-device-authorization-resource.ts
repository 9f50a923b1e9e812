import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * The resource (RFC 8707) a device authorization request named, kept until the device redeems
 * its code, so that the tokens and the refresh token are for that API alone, as a code flow
 * grant's are. Null for requests that named none, which all pending ones did. On MariaDB the
 * column takes the table's exact default collation (DeviceAuthorization1764590000000).
 */
export class DeviceAuthorizationResource1764630000000 implements MigrationInterface {
  name = 'DeviceAuthorizationResource1764630000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('device_authorization', new TableColumn({ name: 'resource', type: 'varchar', length: '255', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('device_authorization', 'resource');
  }
}
