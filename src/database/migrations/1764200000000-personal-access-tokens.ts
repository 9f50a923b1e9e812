import { type MigrationInterface, type QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Personal access tokens: a user's own hashed credentials for the API. */
export class PersonalAccessTokens1764200000000 implements MigrationInterface {
  name = 'PersonalAccessTokens1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'personal_access_token',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'organization_id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'token_prefix', type: 'varchar', length: '16' },
          { name: 'scopes', type: 'text' },
          { name: 'expires_at', type: 'datetime', precision: 3 },
          { name: 'revoked_at', type: 'datetime', precision: 3, isNullable: true },
          { name: 'created_at', type: 'datetime', precision: 3 },
        ],
        indices: [
          new TableIndex({ name: 'uq_personal_access_token_hash', columnNames: ['token_hash'], isUnique: true }),
          new TableIndex({ name: 'idx_personal_access_token_user', columnNames: ['user_id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({ name: 'fk_personal_access_token_user', columnNames: ['user_id'], referencedTableName: 'user_account', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
          new TableForeignKey({ name: 'fk_personal_access_token_organization', columnNames: ['organization_id'], referencedTableName: 'organization', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('personal_access_token');
  }
}
