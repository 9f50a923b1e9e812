import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * How each client authenticates at the token, introspection and revocation endpoints
 * (`token_endpoint_auth_method`), with what private_key_jwt and client_secret_jwt need: its public
 * keys (`jwks` inline or `jwks_uri`), the one algorithm it may sign with, and for client_secret_jwt
 * an encrypted copy of its secret (see ClientSecretCipher). Existing clients keep what they could
 * do: public ones `none`, registered ones what they registered, the others `client_secret_basic`.
 */
export class ClientJwtAuthentication1764560000000 implements MigrationInterface {
  name = 'ClientJwtAuthentication1764560000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'token_endpoint_auth_method', type: 'varchar', length: '32', default: "'client_secret_basic'" }));
    await queryRunner.query("UPDATE oauth_client SET token_endpoint_auth_method = 'none' WHERE is_public = 1");
    await queryRunner.query('UPDATE oauth_client SET token_endpoint_auth_method = (SELECT registration.token_endpoint_auth_method FROM client_registration registration WHERE registration.client_id = oauth_client.id) WHERE id IN (SELECT client_id FROM client_registration)');
    // text, not varchar: MariaDB's row size limit leaves no room for more long varchars of utf8mb4.
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'jwks', type: 'text', isNullable: true }));
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'jwks_uri', type: 'text', isNullable: true }));
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'token_endpoint_auth_signing_alg', type: 'varchar', length: '16', isNullable: true }));
    await queryRunner.addColumn('oauth_client', new TableColumn({ name: 'secret_ciphertext', type: 'text', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['secret_ciphertext', 'token_endpoint_auth_signing_alg', 'jwks_uri', 'jwks', 'token_endpoint_auth_method']) await queryRunner.dropColumn('oauth_client', column);
  }
}
