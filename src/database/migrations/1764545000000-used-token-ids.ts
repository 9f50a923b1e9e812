import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** MariaDB's and MySQL 8's byte-for-byte, no-pad collations, best first (see ExactIdentifiers). */
const EXACT_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'];

/**
 * The one-time identifiers already presented (client assertions' and DPoP proofs' `jti`s, as
 * digests), shared by every instance so that a replay is refused whichever instance it reaches.
 */
export class UsedTokenIds1764545000000 implements MigrationInterface {
  name = 'UsedTokenIds1764545000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const collation = isMariaDb(queryRunner) ? await exactCollation(queryRunner) : undefined;
    const text = collation === undefined ? {} : { charset: collation.split('_')[0], collation };
    await queryRunner.createTable(
      new Table({
        name: 'used_token_id',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true, ...text },
          { name: 'kind', type: 'varchar', length: '32', ...text },
          { name: 'expires_at', type: 'datetime', precision: 3 },
        ],
        indices: [new TableIndex({ name: 'idx_used_token_id_expires_at', columnNames: ['expires_at'] })],
      }),
    );
    if (collation !== undefined) await queryRunner.query(`ALTER TABLE used_token_id DEFAULT CHARACTER SET ${collation.split('_')[0]} COLLATE ${collation}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('used_token_id');
  }
}

function isMariaDb(queryRunner: QueryRunner): boolean {
  return ['mariadb', 'mysql'].includes(queryRunner.connection.driver.options.type);
}

async function exactCollation(queryRunner: QueryRunner): Promise<string> {
  const available = new Set(((await queryRunner.query(`SHOW COLLATION WHERE Collation IN (${EXACT_COLLATIONS.map(() => '?').join(', ')})`, EXACT_COLLATIONS)) as { Collation: string }[]).map((row) => row.Collation));
  return EXACT_COLLATIONS.find((collation) => available.has(collation)) ?? 'utf8mb4_bin';
}
