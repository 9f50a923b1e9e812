import { Clock } from '../clock.js';

/**
 * A bounded in-memory cache in front of a loader, for the records the token endpoint and the
 * bearer guard read on every request. Entries live `ttlMs`; absent records (`undefined`) are
 * cached too, so a flood of unknown keys costs one load each per TTL; concurrent misses for one
 * key share one load; and an `invalidate` makes sure a load that started before it is not cached.
 *
 * When a reload fails (the database is down), an expired entry is served for up to
 * `staleIfErrorMs` more rather than failing the request: nothing can change in a database that
 * cannot be reached, and every change made before the outage has already invalidated its entry.
 */
export class ReadThroughCache<V> {
  private readonly entries = new Map<string, { value: V | undefined; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<V | undefined>>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    /** Told of every lookup, hit or miss (for the metrics). */
    private readonly onLookup: (hit: boolean) => void = () => undefined,
    private readonly staleIfErrorMs = 60 * 60_000,
    /** Pass the application's clock; the default reads the system time (for callers outside Nest). */
    private readonly clock: Clock = new Clock(),
  ) {}

  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.entries.get(key);
    const hit = cached !== undefined && cached.expiresAt > this.clock.now();
    this.onLookup(hit);
    if (hit) return cached.value;
    let pending = this.loading.get(key);
    if (!pending) {
      const generation = this.generation;
      pending = load()
        .then(
          (value) => {
            if (this.ttlMs > 0 && generation === this.generation) this.store(key, value);
            return value;
          },
          (error: unknown) => {
            const stale = this.entries.get(key);
            if (stale && generation === this.generation && this.clock.now() < stale.expiresAt + this.staleIfErrorMs) return stale.value;
            throw error;
          },
        )
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  invalidate(key?: string): void {
    this.generation += 1;
    if (key === undefined) {
      this.entries.clear();
      this.loading.clear();
    } else {
      this.entries.delete(key);
      this.loading.delete(key);
    }
  }

  private store(key: string, value: V | undefined): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expiresAt: this.clock.now() + this.ttlMs });
  }
}
