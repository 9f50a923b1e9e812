import { type MigrationInterface, type QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';

const cascadeTo = (column: string, table: string, name: string) =>
  new TableForeignKey({ name, columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' });

/**
 * People and third-party apps: user accounts and their organization memberships, browser
 * sessions, remembered consents, authorization codes and refresh tokens, and the fields a client
 * needs for the authorization code flow (redirect URIs, logo, terms, public clients).
 */
export class UsersAndAuthorization1764100000000 implements MigrationInterface {
  name = 'UsersAndAuthorization1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('oauth_client', [
      new TableColumn({ name: 'redirect_uris', type: 'varchar', length: '4000', default: "'[]'" }),
      new TableColumn({ name: 'logo_uri', type: 'varchar', length: '2000', isNullable: true }),
      new TableColumn({ name: 'tos_uri', type: 'varchar', length: '2000', isNullable: true }),
      new TableColumn({ name: 'policy_uri', type: 'varchar', length: '2000', isNullable: true }),
      new TableColumn({ name: 'is_public', type: 'boolean', default: 0 }),
    ]);

    await queryRunner.createTable(
      new Table({
        name: 'user_account',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'name', type: 'varchar', length: '200', isNullable: true },
          { name: 'password_hash', type: 'varchar', length: '256' },
          { name: 'email_verified', type: 'boolean', default: 0 },
          { name: 'disabled', type: 'boolean', default: 0 },
          { name: 'not_before', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'uq_user_account_email', columnNames: ['email'], isUnique: true })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'organization_membership',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'organization_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'role', type: 'varchar', length: '32' },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_membership_organization', columnNames: ['organization_id'] })],
        foreignKeys: [cascadeTo('user_id', 'user_account', 'fk_membership_user'), cascadeTo('organization_id', 'organization', 'fk_membership_organization')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'user_session',
        columns: [
          { name: 'id_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'auth_time', type: 'datetime', precision: 3 },
          { name: 'expires_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_user_session_user', columnNames: ['user_id'] }), new TableIndex({ name: 'idx_user_session_expires_at', columnNames: ['expires_at'] })],
        foreignKeys: [cascadeTo('user_id', 'user_account', 'fk_user_session_user')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'consent',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'client_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'scopes', type: 'text' },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_consent_client', columnNames: ['client_id'] })],
        foreignKeys: [cascadeTo('user_id', 'user_account', 'fk_consent_user'), cascadeTo('client_id', 'oauth_client', 'fk_consent_client')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'authorization_code',
        columns: [
          { name: 'code_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'client_id', type: 'varchar', length: '64' },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'organization_id', type: 'varchar', length: '36' },
          { name: 'subject_type', type: 'varchar', length: '16' },
          { name: 'redirect_uri', type: 'varchar', length: '2000' },
          { name: 'scopes', type: 'text' },
          { name: 'code_challenge', type: 'varchar', length: '128', isNullable: true },
          { name: 'nonce', type: 'varchar', length: '512', isNullable: true },
          { name: 'auth_time', type: 'datetime', precision: 3 },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'consumed_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_authorization_code_expires_at', columnNames: ['expires_at'] })],
        foreignKeys: [cascadeTo('client_id', 'oauth_client', 'fk_authorization_code_client'), cascadeTo('user_id', 'user_account', 'fk_authorization_code_user')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'refresh_token',
        columns: [
          { name: 'token_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'family_id', type: 'varchar', length: '64' },
          { name: 'client_id', type: 'varchar', length: '64' },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'organization_id', type: 'varchar', length: '36' },
          { name: 'subject_type', type: 'varchar', length: '16' },
          { name: 'scopes', type: 'text' },
          { name: 'nonce', type: 'varchar', length: '512', isNullable: true },
          { name: 'auth_time', type: 'datetime', precision: 3 },
          { name: 'access_token_jti', type: 'varchar', length: '64' },
          { name: 'access_token_expires_at', type: 'datetime', precision: 3 },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'used_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'revoked_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          new TableIndex({ name: 'idx_refresh_token_family', columnNames: ['family_id'] }),
          new TableIndex({ name: 'idx_refresh_token_expires_at', columnNames: ['expires_at'] }),
        ],
        foreignKeys: [cascadeTo('client_id', 'oauth_client', 'fk_refresh_token_client'), cascadeTo('user_id', 'user_account', 'fk_refresh_token_user')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['refresh_token', 'authorization_code', 'consent', 'user_session', 'organization_membership', 'user_account']) await queryRunner.dropTable(table);
    for (const column of ['is_public', 'policy_uri', 'tos_uri', 'logo_uri', 'redirect_uris']) await queryRunner.dropColumn('oauth_client', column);
  }
}
