import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { type TestApp, isMariaDb, startApp } from './support/test-app.js';

describe('database schema', () => {
  let gatehouse: TestApp;

  beforeAll(async () => {
    gatehouse = await startApp();
  });
  afterAll(() => gatehouse.close());

  it('is exactly what the entities describe once the migrations have run (no drift, no synchronize)', async () => {
    const dataSource = gatehouse.app.get(DataSource);
    expect(dataSource.options.synchronize).toBe(false);
    expect(await dataSource.showMigrations()).toBe(false);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('compares every text column byte for byte, trailing spaces included, on either engine', async () => {
    const dataSource = gatehouse.app.get(DataSource);
    if (isMariaDb()) {
      // The test database has the server's default collation (utf8mb4_general_ci): the migrations alone must make every column exact.
      const columns = (await dataSource.query('SELECT table_name AS tableName, column_name AS columnName, collation_name AS collation FROM information_schema.columns WHERE table_schema = DATABASE() AND collation_name IS NOT NULL')) as { tableName: string; columnName: string; collation: string }[];
      expect(columns.length).toBeGreaterThan(50);
      expect(columns.filter((column) => !['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'].includes(column.collation))).toEqual([]);
      const [exact] = (await dataSource.query("SELECT name FROM organization WHERE name = 'DEFAULT' OR name = 'default ' OR name = 'défault'")) as unknown[];
      expect(exact).toBeUndefined();
    } else {
      const tables = (await dataSource.query("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL")) as { name: string; sql: string }[];
      expect(tables.length).toBeGreaterThan(10);
      expect(tables.filter((table) => /\bCOLLATE\s+(?!"?BINARY\b)/i.test(table.sql))).toEqual([]);
    }
  });

  it('gives every table a primary key and a transactional engine, as Galera needs to replicate it', async () => {
    const dataSource = gatehouse.app.get(DataSource);
    if (isMariaDb()) {
      const tables = (await dataSource.query("SELECT table_name AS tableName, engine FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'")) as { tableName: string; engine: string }[];
      const keyed = new Set(((await dataSource.query("SELECT table_name AS tableName FROM information_schema.table_constraints WHERE table_schema = DATABASE() AND constraint_type = 'PRIMARY KEY'")) as { tableName: string }[]).map((row) => row.tableName));
      expect(tables.length).toBeGreaterThan(10);
      expect(tables.filter((table) => !keyed.has(table.tableName)).map((table) => table.tableName)).toEqual([]);
      expect(tables.filter((table) => table.engine !== 'InnoDB').map((table) => table.tableName)).toEqual([]);
    } else {
      const tables = (await dataSource.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) as { name: string }[];
      expect(tables.length).toBeGreaterThan(10);
      const unkeyed: string[] = [];
      for (const { name } of tables) {
        const columns = (await dataSource.query(`PRAGMA table_info("${name}")`)) as { pk: number }[];
        if (!columns.some((column) => column.pk > 0)) unkeyed.push(name);
      }
      expect(unkeyed).toEqual([]);
    }
  });
});
