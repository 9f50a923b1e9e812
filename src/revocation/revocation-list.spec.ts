import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource, type Repository } from 'typeorm';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { ChangeEventEntity } from '../change-feed/entities/change-event.entity.js';
import { type GatehouseConfig } from '../config/gatehouse-config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { ManualClock } from '../../test/support/clock.js';
import { RevokedTokenEntity } from './entities/revoked-token.entity.js';
import { RevocationList } from './revocation-list.js';

describe('RevocationList', () => {
  let dataSource: DataSource;
  let repository: Repository<RevokedTokenEntity>;
  let feed: ChangeFeed;
  let list: RevocationList;
  let clock: ManualClock;

  beforeEach(async () => {
    dataSource = new DataSource({ ...dataSourceOptions('sqlite::memory:'), entities: [RevokedTokenEntity, ChangeEventEntity], migrationsRun: true });
    await dataSource.initialize();
    repository = dataSource.getRepository(RevokedTokenEntity);
    clock = new ManualClock();
    feed = new ChangeFeed(dataSource.getRepository(ChangeEventEntity), { changeFeedPollMs: 60_000 } as GatehouseConfig, clock);
    list = new RevocationList(repository, feed, clock);
  });
  afterEach(async () => {
    list.onApplicationShutdown();
    await dataSource.destroy();
  });

  const row = (jti: string, expiresInMs: number) => ({ jti, clientId: 'c', organizationId: 'o', expiresAt: new Date(clock.now() + expiresInMs), revokedAt: clock.date() });

  it('loads the unexpired revoked tokens at start and learns new ones from the change feed', async () => {
    await repository.insert([row('live', 60_000), row('expired', -1000)]);
    await list.onApplicationBootstrap();
    expect(list.has('live')).toBe(true);
    expect(list.has('expired')).toBe(false);
    await dataSource.transaction((manager) => feed.write(manager, [{ kind: 'token-revoked', subject: 'from-another-process', expiresAt: new Date(clock.now() + 60_000) }]));
    await feed.poll();
    expect(list.has('from-another-process')).toBe(true);
  });

  it('forgets tokens once they have expired, in memory and in the table', async () => {
    await repository.insert([row('soon', 50), row('later', 60_000)]);
    await list.onApplicationBootstrap();
    expect(list.size).toBe(2);
    clock.advance(49);
    await list.prune();
    expect(list.has('soon')).toBe(true);
    clock.advance(2);
    await list.prune();
    expect(list.has('soon')).toBe(false);
    expect(list.has('later')).toBe(true);
    expect((await repository.find()).map((each) => each.jti)).toEqual(['later']);
  });
});
