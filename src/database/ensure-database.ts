import mysql from 'mysql2/promise';

/** A start that cannot go on for a reason the operator fixes in one step: reported as one line, with no stack. */
export class DatabaseSetupError extends Error {
  override readonly name = 'DatabaseSetupError';
}

/** MariaDB's "Unknown database", and "Access denied to database", its answer to a user with no rights there, whether it exists or not. */
const ER_BAD_DB_ERROR = 1049;
const ER_DBACCESS_DENIED_ERROR = 1044;

/**
 * On MariaDB/MySQL, creates the database DATABASE_URL names when the server does not have it yet,
 * as the SQLite file is created on first start. Returns its name when it created it. If the user
 * may not create it, throws a `DatabaseSetupError` saying what to do; any other connection error
 * is left to the normal start, which reports it.
 */
export async function ensureDatabase(databaseUrl: string): Promise<string | undefined> {
  if (!/^(mysql|mariadb):/.test(databaseUrl)) return undefined;
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (name === '') throw new DatabaseSetupError('DATABASE_URL names no database: add one to its path, such as mysql://user@127.0.0.1:3306/gatehouse');
  try {
    await (await mysql.createConnection({ uri: url.toString(), connectTimeout: 5000 })).end();
    return undefined;
  } catch (error) {
    const { errno } = error as { errno?: number };
    if (errno === ER_DBACCESS_DENIED_ERROR) {
      throw new DatabaseSetupError(
        `The user ${decodeURIComponent(url.username) || '(none)'} may not use the database ${name} on ${url.host}: if it does not exist, create it (CREATE DATABASE \`${name}\`) as a user who may, and grant this user all privileges on it`,
      );
    }
    if (errno !== ER_BAD_DB_ERROR) return undefined;
  }
  const server = new URL(url);
  server.pathname = '/';
  const connection = await mysql.createConnection({ uri: server.toString(), connectTimeout: 5000 });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name.replaceAll('`', '``')}\``);
    return name;
  } catch (error) {
    const user = decodeURIComponent(url.username) || '(none)';
    throw new DatabaseSetupError(
      `The database ${name} does not exist on ${url.host} and the user ${user} may not create it (${(error as Error).message}): create it (CREATE DATABASE \`${name}\`) or set DATABASE_URL to one that exists`,
    );
  } finally {
    await connection.end();
  }
}
