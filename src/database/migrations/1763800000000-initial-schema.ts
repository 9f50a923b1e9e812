import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * OAuth clients and signing keys. Written with TypeORM's Table API, not raw SQL, so the same
 * migration runs on SQLite and MariaDB.
 */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'oauth_client',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200', isNullable: true },
          { name: 'description', type: 'varchar', length: '1000', isNullable: true },
          { name: 'secret_hash', type: 'varchar', length: '128' },
          { name: 'scopes', type: 'text' },
          { name: 'access_token_lifespan', type: 'integer', isNullable: true },
          { name: 'is_root', type: 'boolean', default: 0 },
          { name: 'disabled', type: 'boolean', default: 0 },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'updated_at', type: 'datetime', precision: 3 },
        ],
      }),
    );
    await queryRunner.createIndex('oauth_client', new TableIndex({ name: 'idx_oauth_client_created_at', columnNames: ['created_at'] }));
    await queryRunner.createTable(
      new Table({
        name: 'signing_key',
        columns: [
          { name: 'kid', type: 'varchar', length: '64', isPrimary: true },
          { name: 'alg', type: 'varchar', length: '16' },
          { name: 'public_jwk', type: 'text' },
          { name: 'private_key', type: 'text' },
          { name: 'created_at', type: 'datetime', precision: 3 },
          { name: 'retired_at', type: 'datetime', precision: 3, isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('signing_key');
    await queryRunner.dropTable('oauth_client');
  }
}
