import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * The resource (RFC 8707) an authorization request named, kept with its code and with the
 * refresh tokens of the grant, so that the token endpoint issues for it when the client does not
 * name one again. Null for grants that named none, which all existing ones did.
 */
export class GrantResource1764520000000 implements MigrationInterface {
  name = 'GrantResource1764520000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('authorization_code', new TableColumn({ name: 'resource', type: 'varchar', length: '255', isNullable: true }));
    await queryRunner.addColumn('refresh_token', new TableColumn({ name: 'resource', type: 'varchar', length: '255', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('refresh_token', 'resource');
    await queryRunner.dropColumn('authorization_code', 'resource');
  }
}
