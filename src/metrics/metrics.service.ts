import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export type BearerOutcome = 'valid' | 'missing' | 'invalid' | 'expired' | 'insufficient_scope' | 'forbidden' | 'error';

/** Lookups of one cache since the last scrape. */
interface CacheLookupTally {
  hits: number;
  misses: number;
}

/**
 * Prometheus metrics of this process, in a registry of its own (not prom-client's global one), so
 * that several apps in one process (the tests) do not mix their numbers.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /**
   * Counts of the bearer guard's outcomes and of cache lookups since the last scrape, added to
   * their counters when Prometheus scrapes (prom-client's `collect`). They change several times on
   * every bearer request: a field increment costs next to nothing there, where a labelled
   * `Counter.inc` validates and hashes its labels each time, four times a request.
   */
  private readonly pendingBearerOutcomes: Record<BearerOutcome, number> = { valid: 0, missing: 0, invalid: 0, expired: 0, insufficient_scope: 0, forbidden: 0, error: 0 };
  private readonly pendingCacheLookups = new Map<string, CacheLookupTally>();

  private readonly tokenRequests = new Counter({
    name: 'gatehouse_token_requests_total',
    help: 'Token requests by grant type, outcome (issued, or the OAuth error code) and organization',
    labelNames: ['grant_type', 'outcome', 'organization'],
    registers: [this.registry],
  });

  private readonly bearerValidations = new Counter({
    name: 'gatehouse_bearer_validations_total',
    help: 'Bearer token checks by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
    collect: () => {
      for (const [outcome, count] of Object.entries(this.pendingBearerOutcomes) as [BearerOutcome, number][]) {
        if (count === 0) continue;
        this.bearerValidations.inc({ outcome }, count);
        this.pendingBearerOutcomes[outcome] = 0;
      }
    },
  });

  private readonly cacheLookups = new Counter({
    name: 'gatehouse_cache_lookups_total',
    help: 'In-memory cache lookups by cache and result (hit or miss)',
    labelNames: ['cache', 'result'],
    registers: [this.registry],
    collect: () => {
      for (const [cache, tally] of this.pendingCacheLookups) {
        if (tally.hits > 0) this.cacheLookups.inc({ cache, result: 'hit' }, tally.hits);
        if (tally.misses > 0) this.cacheLookups.inc({ cache, result: 'miss' }, tally.misses);
        tally.hits = 0;
        tally.misses = 0;
      }
    },
  });

  private readonly requestDuration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status code',
    labelNames: ['route', 'method', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
  }

  tokenRequest(grantType: string, outcome: string, organization: string): void {
    this.tokenRequests.inc({ grant_type: grantType, outcome, organization });
  }

  bearerValidation(outcome: BearerOutcome): void {
    this.pendingBearerOutcomes[outcome] += 1;
  }

  /**
   * Records the lookups of one cache, counted under `cache` in gatehouse_cache_lookups_total. Asked
   * for once, when the cache is made: each lookup then only increments a field.
   */
  cacheLookupRecorder(cache: string): (hit: boolean) => void {
    let found = this.pendingCacheLookups.get(cache);
    if (!found) this.pendingCacheLookups.set(cache, (found = { hits: 0, misses: 0 }));
    const tally = found;
    return (hit) => {
      if (hit) tally.hits += 1;
      else tally.misses += 1;
    };
  }

  request(route: string, method: string, statusCode: number, seconds: number): void {
    this.requestDuration.observe({ route, method, status_code: String(statusCode) }, seconds);
  }
}
