import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DataSourceOptions } from 'typeorm';
import { migrations } from './migrations/index.js';
import { ParameterlessQueryLogger } from './parameterless-query.logger.js';

/**
 * Turns DATABASE_URL into TypeORM options. `sqlite:<file>` is the embedded default (better-sqlite3,
 * no server needed); `mysql://` or `mariadb://` selects MariaDB/MySQL through mysql2. The schema
 * always comes from the migrations, never from `synchronize`.
 */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  const common = { migrations, migrationsRun: false, synchronize: false, logger: new ParameterlessQueryLogger() };
  if (databaseUrl.startsWith('sqlite:')) {
    const database = databaseUrl.slice('sqlite:'.length);
    if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      // WAL lets readers (the health check, the client cache) proceed while a write commits.
      enableWAL: database !== ':memory:',
    };
  }
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  return {
    ...common,
    // TypeORM's "mariadb" type is the same mysql2 driver and SQL as "mysql"; it only reads
    // column defaults the way MariaDB reports them, so the schema check sees no phantom drift.
    type: 'mariadb',
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.replace(/^\//, ''),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    // A database outage must surface as an error, not as requests queued forever.
    connectTimeout: 5000,
    extra: { connectionLimit: 10, enableKeepAlive: true },
  };
}
