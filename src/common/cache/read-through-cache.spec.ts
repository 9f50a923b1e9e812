import { describe, expect, it, jest } from '@jest/globals';
import { ManualClock } from '../../../test/support/clock.js';
import { ReadThroughCache } from './read-through-cache.js';

describe('ReadThroughCache', () => {
  it('loads once and serves from memory until the TTL passes', async () => {
    const clock = new ManualClock();
    const cache = new ReadThroughCache<string>(50, 10, undefined, undefined, clock);
    const load = jest.fn(async () => 'value');
    expect(await cache.get('k', load)).toBe('value');
    clock.advance(49);
    expect(await cache.get('k', load)).toBe('value');
    expect(load).toHaveBeenCalledTimes(1);
    clock.advance(1);
    await cache.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('caches absent records too, and shares one load between concurrent misses', async () => {
    const cache = new ReadThroughCache<string>(1000, 10);
    const load = jest.fn(async () => undefined);
    const results = await Promise.all([cache.get('missing', load), cache.get('missing', load), cache.get('missing', load)]);
    expect(results).toEqual([undefined, undefined, undefined]);
    await cache.get('missing', load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('does not cache a load that an invalidation overtook', async () => {
    const cache = new ReadThroughCache<string>(1000, 10);
    let release!: (value: string) => void;
    const stale = cache.get('k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.invalidate('k');
    release('old');
    expect(await stale).toBe('old');
    expect(await cache.get('k', async () => 'new')).toBe('new');
  });

  it('caches nothing with a TTL of 0, and drops the oldest entry beyond its bound', async () => {
    const uncached = new ReadThroughCache<string>(0, 10);
    const load = jest.fn(async () => 'v');
    await uncached.get('k', load);
    await uncached.get('k', load);
    expect(load).toHaveBeenCalledTimes(2);

    const bounded = new ReadThroughCache<string>(1000, 2);
    const loads = jest.fn(async () => 'v');
    for (const key of ['a', 'b', 'c']) await bounded.get(key, loads);
    await bounded.get('c', loads);
    await bounded.get('a', loads);
    expect(loads).toHaveBeenCalledTimes(4);
  });

  it('invalidates everything at once', async () => {
    const cache = new ReadThroughCache<string>(1000, 10);
    const load = jest.fn(async () => 'v');
    await cache.get('a', load);
    await cache.get('b', load);
    cache.invalidate();
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('serves an expired entry while reloading fails, within staleIfErrorMs, and never an invalidated one', async () => {
    const clock = new ManualClock();
    const cache = new ReadThroughCache<string>(10, 10, undefined, 200, clock);
    expect(await cache.get('k', async () => 'before the outage')).toBe('before the outage');
    clock.advance(10);
    const down = async (): Promise<string> => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    expect(await cache.get('k', down)).toBe('before the outage');
    await expect(cache.get('never-seen', down)).rejects.toThrow('ECONNREFUSED');
    // The entry expired at 10 ms: it may be served until 10 + 200 ms, not from then on.
    clock.advance(199);
    expect(await cache.get('k', down)).toBe('before the outage');
    clock.advance(1);
    await expect(cache.get('k', down)).rejects.toThrow('ECONNREFUSED');

    await cache.get('j', async () => 'old');
    cache.invalidate('j');
    await expect(cache.get('j', down)).rejects.toThrow('ECONNREFUSED');
    expect(await cache.get('k', async () => 'after the outage')).toBe('after the outage');
  });
});
