import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export type BearerOutcome = 'valid' | 'missing' | 'invalid' | 'expired' | 'insufficient_scope' | 'error';

/**
 * Prometheus metrics of this process, in a registry of its own (not prom-client's global one), so
 * that several apps in one process (the tests) do not mix their numbers.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

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
  });

  private readonly cacheLookups = new Counter({
    name: 'gatehouse_cache_lookups_total',
    help: 'In-memory cache lookups by cache and result (hit or miss)',
    labelNames: ['cache', 'result'],
    registers: [this.registry],
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
    this.bearerValidations.inc({ outcome });
  }

  cacheLookup(cache: string, hit: boolean): void {
    this.cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' });
  }

  request(route: string, method: string, statusCode: number, seconds: number): void {
    this.requestDuration.observe({ route, method, status_code: String(statusCode) }, seconds);
  }
}
