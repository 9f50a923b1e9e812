import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { type TestApp, startApp } from './support/test-app.js';

describe('health', () => {
  let gatehouse: TestApp;

  beforeAll(async () => {
    gatehouse = await startApp();
  });
  afterAll(() => gatehouse.close());

  it('answers 200 on /health, /health/ready and /health/live while the database answers', async () => {
    for (const path of ['/health', '/health/ready']) {
      const response = await gatehouse.http().get(path);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    }
    expect((await gatehouse.http().get('/health/live')).body).toEqual({ status: 'ok' });
  });

  it('answers 503 when the database is unreachable, and liveness stays 200', async () => {
    await gatehouse.app.get(DataSource).destroy();
    const response = await gatehouse.http().get('/health');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    expect((await gatehouse.http().get('/health/live')).status).toBe(200);
  });
});
