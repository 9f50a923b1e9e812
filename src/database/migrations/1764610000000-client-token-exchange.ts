import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Each client's RFC 8693 token exchange policy (JSON: audiences, delegation, impersonation).
 * Existing clients get none: they exchange nothing until an administrator allows it.
 */
export class ClientTokenExchange1764610000000 implements MigrationInterface {
  name = 'ClientTokenExchange1764610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'token_exchange', type: 'text', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('oauth_client', 'token_exchange');
  }
}
