import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitingSqliteTransactions } from '../../src/database/sqlite-transactions.js';
import { UsedTokenIdEntity } from '../../src/replay/entities/used-token-id.entity.js';
import { ReplayModule } from '../../src/replay/replay.module.js';
import { UsedTokenIds } from '../../src/replay/used-token-ids.js';
import { bootMedium, type MediumModule } from './support.js';

/** Single use of assertion and proof `jti`s on a real database: first claim wins, per kind and issuer, even when claims race. */
describe('UsedTokenIds (medium: real database, no HTTP)', () => {
  let medium: MediumModule;
  let ids: UsedTokenIds;

  beforeAll(async () => {
    medium = await bootMedium([ReplayModule]);
    ids = medium.get(UsedTokenIds);
  });
  afterAll(() => medium?.close());

  const soon = () => new Date(medium.clock.now() + 60_000);

  it('accepts an identifier once, then refuses it', async () => {
    expect(await ids.claim('client-assertion', 'client-a', 'jti-1', soon())).toBe(true);
    expect(await ids.claim('client-assertion', 'client-a', 'jti-1', soon())).toBe(false);
  });

  it('keeps kinds and issuers apart, and compares identifiers exactly', async () => {
    expect(await ids.claim('client-assertion', 'client-a', 'jti-2', soon())).toBe(true);
    expect(await ids.claim('dpop-proof', 'client-a', 'jti-2', soon())).toBe(true);
    expect(await ids.claim('client-assertion', 'client-b', 'jti-2', soon())).toBe(true);
    // MariaDB's default collation would call these equal; the digest keeps them apart.
    expect(await ids.claim('client-assertion', 'client-a', 'JTI-2', soon())).toBe(true);
    expect(await ids.claim('client-assertion', 'client-a', 'jti-2 ', soon())).toBe(true);
  });

  it('lets exactly one of many simultaneous claims of the same identifier win', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => ids.claim('dpop-proof', 'key-1', 'raced', soon())));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("keeps a claim made while another request's transaction is open, when that transaction rolls back", async () => {
    // On SQLite every request shares one connection: a claim that joined the open transaction
    // would vanish with its rollback, and the proof could be replayed.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const other = medium.dataSource.manager
      .transaction(async (manager) => {
        await manager.getRepository(UsedTokenIdEntity).insert({ id: 'f'.repeat(64), kind: 'dpop-proof', expiresAt: soon() });
        opened();
        await released;
        throw new Error('rolled back');
      })
      .catch((error: Error) => error.message);
    await open;
    let settled = false;
    const claim = ids.claim('dpop-proof', 'key-3', 'during', soon()).finally(() => (settled = true));
    // The claim either finished on its own (MariaDB: its own connection) or waits for its turn (SQLite).
    while (!settled && waitingSqliteTransactions(medium.dataSource) === 0) await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await other).toBe('rolled back');
    expect(await claim).toBe(true);
    expect(await ids.claim('dpop-proof', 'key-3', 'during', soon())).toBe(false);
    expect(await medium.dataSource.getRepository(UsedTokenIdEntity).countBy({ id: 'f'.repeat(64) })).toBe(0);
  });

  it('prunes identifiers whose credential has expired', async () => {
    const repository = medium.dataSource.getRepository(UsedTokenIdEntity);
    await ids.claim('dpop-proof', 'key-2', 'old', new Date(medium.clock.now() + 1_000));
    medium.clock.advance(120_000);
    await ids.claim('dpop-proof', 'key-2', 'new', soon());
    expect(await repository.countBy({ kind: 'dpop-proof' })).toBeGreaterThan(0);
    const all = await repository.find();
    expect(all.every((row) => row.expiresAt.getTime() > medium.clock.now())).toBe(true);
  });
});
