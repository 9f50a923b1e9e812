import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * DPoP (RFC 9449): the key thumbprint (`jkt`) a refresh token, or an authorization code (§10's
 * `dpop_jkt`), is bound to, null when unbound, as every existing one is; and a client's
 * `dpop_bound_access_tokens` (§5.2), false for existing clients.
 */
export class Dpop1764570000000 implements MigrationInterface {
  name = 'Dpop1764570000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('refresh_token', new TableColumn({ name: 'dpop_jkt', type: 'varchar', length: '43', isNullable: true }));
    await queryRunner.addColumn('authorization_code', new TableColumn({ name: 'dpop_jkt', type: 'varchar', length: '43', isNullable: true }));
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'dpop_bound_access_tokens', type: 'boolean', default: 0 }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('oauth_client', 'dpop_bound_access_tokens');
    await queryRunner.dropColumn('authorization_code', 'dpop_jkt');
    await queryRunner.dropColumn('refresh_token', 'dpop_jkt');
  }
}
