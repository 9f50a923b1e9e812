import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { type TestApp, startApp } from './support/test-app.js';

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
});
