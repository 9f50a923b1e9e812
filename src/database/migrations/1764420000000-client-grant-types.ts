import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Each client's grant types (RFC 7591 `grant_types`), which the token endpoint checks. Existing
 * clients get what their type allowed before: a confidential client every grant, a public client
 * the user grants only. The column takes the table's exact collation (see ExactIdentifiers).
 */
export class ClientGrantTypes1764420000000 implements MigrationInterface {
  name = 'ClientGrantTypes1764420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'grant_types', type: 'varchar', length: '200', default: "'[]'" }));
    // The lists as of this migration (a migration must not change when the application does).
    await queryRunner.query('UPDATE oauth_client SET grant_types = ? WHERE is_public = 0', [JSON.stringify(['client_credentials', 'authorization_code', 'refresh_token'])]);
    await queryRunner.query('UPDATE oauth_client SET grant_types = ? WHERE is_public <> 0', [JSON.stringify(['authorization_code', 'refresh_token'])]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('oauth_client', 'grant_types');
  }
}
