import { type Clock } from '../clock.js';
import { ReadThroughCache } from './read-through-cache.js';

/** The part of the change feed a directory listens to (structural, so that common/ depends on no module). */
export interface ChangeSubscriber<K extends string> {
  subscribe(kind: K, listener: (event: { readonly subject: string }) => void): void;
}

/** What a change of a kind drops: the entry named by the event's subject, or every entry. */
export type Invalidation = 'subject' | 'all';

export interface ReadThroughDirectoryOptions<K extends string> {
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Told of every lookup, hit or miss (`MetricsService.cacheLookupRecorder(name)`). */
  readonly onLookup: (hit: boolean) => void;
  readonly feed: ChangeSubscriber<K>;
  /** The application's clock, which sets the entries' expiry (tests move it on instead of sleeping). */
  readonly clock: Clock;
  /** For each change kind that makes entries stale, what it drops. */
  readonly invalidateOn: Readonly<Partial<Record<K, Invalidation>>>;
}

/**
 * Records by key, kept in memory in front of the database, and dropped when the change feed
 * reports a change to them, made by this process or another. The one shape of every cached
 * directory (clients, organizations, users, personal access tokens, projects), so that each
 * gets the same expiry, the same invalidation and the same cache metrics.
 */
export class ReadThroughDirectory<V, K extends string = string> {
  private readonly cache: ReadThroughCache<V>;

  constructor(options: ReadThroughDirectoryOptions<K>) {
    this.cache = new ReadThroughCache<V>(options.ttlMs, options.maxEntries, options.onLookup, undefined, options.clock);
    for (const [kind, invalidation] of Object.entries(options.invalidateOn) as [K, Invalidation][]) {
      options.feed.subscribe(kind, invalidation === 'all' ? () => this.invalidateAll() : (event) => this.invalidate(event.subject));
    }
  }

  get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    return this.cache.get(key, load);
  }

  invalidate(key: string): void {
    this.cache.invalidate(key);
  }

  invalidateAll(): void {
    this.cache.invalidate();
  }
}
