import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** MariaDB's and MySQL 8's byte-for-byte collations that also count trailing spaces (NO PAD), best first. */
const EXACT_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'];

/**
 * Identifiers compare exactly on every engine. SQLite compares text byte for byte (BINARY)
 * already; a MariaDB database created with the server's default collation (utf8mb4_general_ci)
 * found `abc` under `ABC` and `lockme@` under `lóckme@`, while the caches, the lockout counters and
 * the change feed used the exact string. Every text column of every table moves to a binary,
 * no-pad collation: ids, client ids, realm names, emails, hashes, kids and the foreign keys that
 * reference them alike, so that no column is left comparing one way and its reference another;
 * the tables' default follows, so columns added later are exact too. (Tables created by a later
 * migration take the database default: the schema test fails until they say otherwise.)
 *
 * Stored emails move to their canonical form (trimmed, NFC, lower-case; see canonicalEmail):
 * they were trimmed and lower-cased already, but not composed.
 */
export class ExactIdentifiers1764310000000 implements MigrationInterface {
  name = 'ExactIdentifiers1764310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Read and checked before anything changes: MariaDB cannot roll DDL back.
    const emails = await canonicalEmailChanges(queryRunner);
    if (isMariaDb(queryRunner)) await convertTables(queryRunner, await exactCollation(queryRunner));
    for (const { id, email } of emails) await queryRunner.query('UPDATE user_account SET email = ? WHERE id = ?', [email, id]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (!isMariaDb(queryRunner)) return;
    const [schema] = (await queryRunner.query('SELECT default_collation_name AS collation FROM information_schema.schemata WHERE schema_name = DATABASE()')) as { collation: string }[];
    await convertTables(queryRunner, schema!.collation);
  }
}

function isMariaDb(queryRunner: QueryRunner): boolean {
  return ['mariadb', 'mysql'].includes(queryRunner.connection.driver.options.type);
}

async function exactCollation(queryRunner: QueryRunner): Promise<string> {
  const available = new Set(((await queryRunner.query(`SHOW COLLATION WHERE Collation IN (${EXACT_COLLATIONS.map(() => '?').join(', ')})`, EXACT_COLLATIONS)) as { Collation: string }[]).map((row) => row.Collation));
  // utf8mb4_bin (PAD SPACE) is exact but for trailing spaces, which no identifier pattern admits.
  return EXACT_COLLATIONS.find((collation) => available.has(collation)) ?? 'utf8mb4_bin';
}

async function convertTables(queryRunner: QueryRunner, collation: string): Promise<void> {
  const names = ((await queryRunner.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'")) as { name: string }[]).map((row) => row.name);
  const charset = collation.split('_')[0]!;
  // MariaDB changes no column a foreign key uses, FOREIGN_KEY_CHECKS = 0 or not: the keys go, both
  // ends change, and the same keys (names, columns, actions) come back.
  const foreignKeys = (await queryRunner.getTables(names)).flatMap((table) => table.foreignKeys.map((foreignKey) => ({ table: table.name, foreignKey: foreignKey.clone() })));
  for (const { table, foreignKey } of foreignKeys) await queryRunner.dropForeignKey(table, foreignKey);
  for (const name of names) await queryRunner.query(`ALTER TABLE \`${name}\` CONVERT TO CHARACTER SET ${charset} COLLATE ${collation}`);
  for (const { table, foreignKey } of foreignKeys) await queryRunner.createForeignKey(table, foreignKey);
}

/**
 * The emails to rewrite into canonical form. Two accounts whose addresses differ only in
 * composition or case would become one address: that is for a person to settle, so the migration
 * stops and names them, having changed nothing.
 */
async function canonicalEmailChanges(queryRunner: QueryRunner): Promise<{ id: string; email: string }[]> {
  const rows = (await queryRunner.query('SELECT id, email FROM user_account ORDER BY id')) as { id: string; email: string }[];
  const owners = new Map<string, string[]>();
  for (const row of rows) {
    const canonical = canonicalEmail(row.email);
    owners.set(canonical, [...(owners.get(canonical) ?? []), row.id]);
  }
  const clashes = [...owners.values()].filter((ids) => ids.length > 1);
  if (clashes.length > 0) {
    throw new Error(`User accounts share an email once it is in canonical form (trimmed, NFC, lower-case); change one address of each group and migrate again: ${clashes.map((ids) => ids.join(' and ')).join('; ')}`);
  }
  return rows.filter((row) => canonicalEmail(row.email) !== row.email).map((row) => ({ id: row.id, email: canonicalEmail(row.email) }));
}

/** canonicalEmail as of this migration (a migration must not change when the application does). */
function canonicalEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase().normalize('NFC');
}
