import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Revoked token families: the durable fact "family F is revoked" that every transaction issuing
 * a token of F checks, so that a replay racing the rightful use leaves no token of F alive.
 */
export class RevokedTokenFamily1764300000000 implements MigrationInterface {
  name = 'RevokedTokenFamily1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'revoked_family',
        columns: [
          { name: 'family_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'revoked_at', type: 'datetime', precision: 3 },
          { name: 'expires_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_revoked_family_expires_at', columnNames: ['expires_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('revoked_family');
  }
}
