import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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
