import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ChangeFeed } from './change-feed.js';
import { ChangeEventEntity } from './entities/change-event.entity.js';
import { type GatehouseConfig } from '../config/gatehouse-config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { ReadThroughDirectory } from '../common/cache/read-through-directory.js';
import { ManualClock } from '../../test/support/clock.js';

/** The cached directories' shape (common/cache), invalidated through the real change feed on an in-memory SQLite database. */
describe('ReadThroughDirectory', () => {
  let dataSource: DataSource;
  let feed: ChangeFeed;
  let loads: string[];
  let lookups: boolean[];
  let directory: ReadThroughDirectory<string>;
  const clock = new ManualClock();

  beforeEach(async () => {
    dataSource = new DataSource({ ...dataSourceOptions('sqlite::memory:'), logger: undefined, logging: false, entities: [ChangeEventEntity], migrationsRun: true });
    await dataSource.initialize();
    feed = new ChangeFeed(dataSource.getRepository(ChangeEventEntity), { changeFeedPollMs: 60_000 } as GatehouseConfig, clock);
    loads = [];
    lookups = [];
    directory = new ReadThroughDirectory({ ttlMs: 60_000, maxEntries: 100, onLookup: (hit) => lookups.push(hit), feed, clock, invalidateOn: { client: 'subject', organization: 'all' } });
  });
  afterEach(async () => {
    await feed.onApplicationShutdown();
    await dataSource.destroy();
  });

  const find = (key: string) =>
    directory.get(key, async () => {
      loads.push(key);
      return `record ${key} #${loads.length}`;
    });
  const announce = async (kind: 'client' | 'organization' | 'project', subject: string) => feed.deliver(await feed.write(dataSource.manager, [{ kind, subject }]));

  it('loads a key once, and tells the metrics of each hit and miss', async () => {
    expect(await find('a')).toBe('record a #1');
    expect(await find('a')).toBe('record a #1');
    expect(loads).toEqual(['a']);
    expect(lookups).toEqual([false, true]);
  });

  it("drops the changed entry for a kind invalidated by subject, every entry for one invalidated whole, and nothing for a kind it does not name", async () => {
    await find('a');
    await find('b');
    await announce('client', 'a');
    await find('a');
    await find('b');
    expect(loads).toEqual(['a', 'b', 'a']);
    await announce('project', 'b');
    await find('b');
    expect(loads).toEqual(['a', 'b', 'a']);
    await announce('organization', 'any');
    await find('a');
    await find('b');
    expect(loads).toEqual(['a', 'b', 'a', 'a', 'b']);
  });
});
