import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { RevokedFamilyEntity } from '../src/authorization/entities/revoked-family.entity.js';
import { untilBlocked } from './support/lock-wait.js';
import { type TestApp, startApp } from './support/test-app.js';

/**
 * Two transactions of one process open at the same time stay apart, on both engines: one that
 * fails undoes only its own writes, one that commits keeps only its own. (On SQLite a process has
 * a single connection; without turns, the second transaction was a savepoint of the first.)
 */
describe('concurrent transactions of one process', () => {
  let gatehouse: TestApp;
  let dataSource: DataSource;

  beforeAll(async () => {
    gatehouse = await startApp();
    dataSource = gatehouse.app.get(DataSource);
  });
  afterAll(() => gatehouse.close());

  const row = () => ({ familyId: randomBytes(32).toString('hex'), revokedAt: new Date(), expiresAt: new Date(Date.now() + 60_000) });
  const exists = async (familyId: string) => (await dataSource.getRepository(RevokedFamilyEntity).findOneBy({ familyId })) !== null;

  it('a failing transaction begun first does not take down, nor get committed by, one begun after it', async () => {
    const failing = row();
    const committing = row();
    let firstWritten!: () => void;
    const written = new Promise<void>((resolve) => (firstWritten = resolve));
    let secondWritten!: () => void;
    const bothWritten = new Promise<void>((resolve) => (secondWritten = resolve));
    const first = dataSource.transaction(async (manager) => {
      await manager.insert(RevokedFamilyEntity, failing);
      firstWritten();
      // Fails once the second transaction has written, or is blocked waiting for this one to end.
      const stopLooking = new AbortController();
      await Promise.race([bothWritten, untilBlocked(dataSource, stopLooking.signal)]);
      stopLooking.abort();
      throw new Error('this transaction fails');
    });
    await written;
    const second = dataSource.transaction(async (manager) => {
      await manager.insert(RevokedFamilyEntity, committing);
      secondWritten();
    });
    await expect(first).rejects.toThrow('this transaction fails');
    await second;
    expect(await exists(failing.familyId)).toBe(false);
    expect(await exists(committing.familyId)).toBe(true);
  });
});
