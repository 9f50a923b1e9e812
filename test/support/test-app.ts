import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';

export const ROOT_CLIENT_ID = 'test-root';
export const ROOT_CLIENT_SECRET = 'test-root-secret-0123456789abcdefghijklmnopqrstuvwxyz';
export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'test admin passphrase';
/**
 * The tests check what signing in and changing passwords do, not what scrypt costs: they hash at
 * the lowest cost the server takes (PASSWORD_HASH_COST), a few milliseconds instead of a few
 * hundred per hash. src/users/password-hasher.spec.ts checks the default cost itself.
 */
export const TEST_PASSWORD_HASH_COST = '10';

/** The database the suite runs on: DATABASE_URL when set (MariaDB in CI), else a new SQLite file per app. */
export function isMariaDb(): boolean {
  return /^(mysql|mariadb):/.test(process.env.DATABASE_URL ?? '');
}

export function freshSqliteUrl(): string {
  return `sqlite:${join(mkdtempSync(join(tmpdir(), 'gatehouse-test-')), 'gatehouse.sqlite')}`;
}

/** Drops every table of the MariaDB test database, migrations table included. */
export async function resetMariaDb(url: string): Promise<void> {
  const connection = await mysql.createConnection(url.replace(/^mariadb:/, 'mysql:'));
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()');
    await connection.query('SET FOREIGN_KEY_CHECKS = 0');
    for (const row of rows) await connection.query(`DROP TABLE IF EXISTS \`${String(row.name)}\``);
    await connection.query('SET FOREIGN_KEY_CHECKS = 1');
  } finally {
    await connection.end();
  }
}

let workerDatabase: Promise<string> | undefined;

/**
 * DATABASE_URL's MariaDB database for this jest worker: jest runs test files in parallel workers,
 * and each drops and creates every table of its database, so each worker gets its own,
 * `<name>_<JEST_WORKER_ID>`, created on first use (with the server's default collation, as CI
 * creates DATABASE_URL's own: see .ci/run).
 */
export function workerMariaDbUrl(): Promise<string> {
  workerDatabase ??= (async () => {
    const url = new URL(process.env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:'));
    const name = `${decodeURIComponent(url.pathname.slice(1)) || 'test'}_${process.env.JEST_WORKER_ID ?? '1'}`;
    const server = new URL(url);
    server.pathname = '/';
    const connection = await mysql.createConnection(server.toString());
    try {
      await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name}\``);
    } finally {
      await connection.end();
    }
    url.pathname = `/${encodeURIComponent(name)}`;
    return url.toString();
  })();
  return workerDatabase;
}

/** A database URL for a new, empty database on the engine under test. */
export async function emptyDatabaseUrl(): Promise<string> {
  if (!isMariaDb()) return freshSqliteUrl();
  const url = await workerMariaDbUrl();
  await resetMariaDb(url);
  return url;
}

export interface TestApp {
  app: NestFastifyApplication;
  databaseUrl: string;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * Boots the real application (same factory as server.ts) on a real database. `env` overrides the
 * environment for this app only; `databaseUrl` reuses an existing database (a restart).
 */
export async function startApp(options: { env?: Record<string, string | undefined>; databaseUrl?: string } = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await emptyDatabaseUrl());
  const saved = { ...process.env };
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    OAUTH_ROOT_CLIENT_ID: ROOT_CLIENT_ID,
    OAUTH_ROOT_CLIENT_SECRET: ROOT_CLIENT_SECRET,
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    // The sign-in tests sign in far more often than a person would from one address.
    SIGN_IN_RATE_LIMIT_PER_MINUTE: '10000',
    PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST,
  });
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  let app: NestFastifyApplication;
  try {
    app = await createApp({ logLevel: 'silent' });
    await app.getHttpAdapter().getInstance().ready();
  } finally {
    // @nestjs/config writes defaults back into process.env: restore it whole for the next app.
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return {
    app,
    databaseUrl,
    http: () => request(app.getHttpServer()),
    close: () => app.close(),
  };
}
