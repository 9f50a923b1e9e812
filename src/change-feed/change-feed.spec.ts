import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { DataSource, type Repository } from 'typeorm';
import { type GatehouseConfig } from '../config/gatehouse-config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { ManualClock } from '../../test/support/clock.js';
import { type ChangeEvent, ChangeFeed } from './change-feed.js';
import { ChangeEventEntity } from './entities/change-event.entity.js';

/** On a real (in-memory SQLite) database with the real migrations: the feed's logic is all in its queries. */
describe('ChangeFeed', () => {
  let dataSource: DataSource;
  let repository: Repository<ChangeEventEntity>;
  let feed: ChangeFeed;
  let applied: ChangeEvent[];
  const clock = new ManualClock();

  beforeEach(async () => {
    // No query logger: one test makes the table unreadable on purpose.
    dataSource = new DataSource({ ...dataSourceOptions('sqlite::memory:'), logger: undefined, logging: false, entities: [ChangeEventEntity], migrationsRun: true });
    await dataSource.initialize();
    repository = dataSource.getRepository(ChangeEventEntity);
    feed = new ChangeFeed(repository, { changeFeedPollMs: 60_000 } as GatehouseConfig, clock);
    applied = [];
    feed.subscribe('token-revoked', (event) => applied.push(event));
    feed.subscribe('client', (event) => applied.push(event));
  });
  afterEach(async () => {
    await feed.onApplicationShutdown();
    await dataSource.destroy();
  });

  const insert = (id: number, subject: string, createdAt = clock.date()) => repository.insert({ id, kind: 'client', subject, expiresAt: null, createdAt });

  it('starts after the newest event, then applies each new event once', async () => {
    await insert(1, 'before-start', new Date(clock.now() - 60_000));
    await feed.onApplicationBootstrap();
    await insert(2, 'second');
    await feed.poll();
    await feed.poll();
    expect(applied.map((event) => event.subject)).toEqual(['second']);
  });

  it('applies an event whose lower id became visible after a higher one (a later commit), but not ones older than the look-back', async () => {
    await feed.onApplicationBootstrap();
    await insert(5, 'committed first');
    await feed.poll();
    await insert(4, 'committed later');
    await insert(3, 'long ago', new Date(clock.now() - 60_000));
    await feed.poll();
    expect(applied.map((event) => event.subject)).toEqual(['committed first', 'committed later']);
  });

  it('writes events in the caller transaction, and delivers them on this process when told to', async () => {
    await feed.onApplicationBootstrap();
    const event: ChangeEvent = { kind: 'token-revoked', subject: 'jti-1', expiresAt: new Date(clock.now() + 60_000) };
    await expect(
      dataSource.transaction(async (manager) => {
        await feed.write(manager, [event]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await repository.count()).toBe(0);

    feed.deliver(await dataSource.transaction((manager) => feed.write(manager, [event])));
    expect(applied).toEqual([event]);
    expect(await repository.findOneByOrFail({ subject: 'jti-1' })).toMatchObject({ kind: 'token-revoked', expiresAt: event.expiresAt });
  });

  it('does not apply again at the next poll what it has delivered itself', async () => {
    await feed.onApplicationBootstrap();
    const mine: ChangeEvent = { kind: 'client', subject: 'changed here' };
    feed.deliver(await dataSource.transaction((manager) => feed.write(manager, [mine, { kind: 'client', subject: 'and this' }])));
    await insert(100, 'changed elsewhere');
    await feed.poll();
    expect(applied.map((event) => event.subject)).toEqual(['changed here', 'and this', 'changed elsewhere']);
  });

  it('survives an unreadable database and catches up once it is back', async () => {
    await feed.onApplicationBootstrap();
    await dataSource.query('ALTER TABLE change_event RENAME TO change_event_away');
    await feed.poll();
    await dataSource.query('ALTER TABLE change_event_away RENAME TO change_event');
    await insert(1, 'after the outage');
    await feed.poll();
    expect(applied.map((event) => event.subject)).toEqual(['after the outage']);
  });

  it('polls by itself every CHANGE_FEED_POLL_MS once started, and stops at shutdown', async () => {
    // Only the interval timer is faked: the database calls keep their real promises.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'Date', 'performance', 'hrtime'] });
    try {
      const polls = jest.spyOn(feed, 'poll');
      await feed.onApplicationBootstrap();
      jest.advanceTimersByTime(59_999);
      expect(polls).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(polls).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(120_000);
      expect(polls).toHaveBeenCalledTimes(3);
      await feed.onApplicationShutdown();
      jest.advanceTimersByTime(600_000);
      expect(polls).toHaveBeenCalledTimes(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
