import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Each client's post-logout redirect URIs (OpenID Connect RP-Initiated Logout, none for existing
 * clients) and the algorithm of its ID tokens (`id_token_signed_response_alg`). Existing clients
 * get RS256, which OpenID Connect clients expect when they were not told otherwise. The columns
 * take the table's exact collation (see ExactIdentifiers).
 */
export class ClientLogoutAndIdTokenAlg1764530000000 implements MigrationInterface {
  name = 'ClientLogoutAndIdTokenAlg1764530000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // text, not varchar: MariaDB's row size limit leaves no room for another varchar(4000) of utf8mb4.
    // Added nullable, filled, then made NOT NULL: SQLite cannot add a NOT NULL column without a default.
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'post_logout_redirect_uris', type: 'text', isNullable: true }));
    await queryRunner.query("UPDATE oauth_client SET post_logout_redirect_uris = '[]'");
    await queryRunner.changeColumn('oauth_client', 'post_logout_redirect_uris', new TableColumn({ name: 'post_logout_redirect_uris', type: 'text', isNullable: false }));
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'id_token_signed_response_alg', type: 'varchar', length: '16', default: "'RS256'" }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('oauth_client', 'id_token_signed_response_alg');
    await queryRunner.dropColumn('oauth_client', 'post_logout_redirect_uris');
  }
}
