import { describe, expect, it } from '@jest/globals';
import { MetricsService } from './metrics.service.js';

/** The value of one series in the Prometheus text exposition, or undefined when it is absent. */
function seriesValue(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((each) => each.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('MetricsService', () => {
  it('adds bearer outcomes and cache lookups counted between scrapes to their counters, once each', async () => {
    const metrics = new MetricsService();
    metrics.bearerValidation('valid');
    metrics.bearerValidation('valid');
    metrics.bearerValidation('expired');
    const clients = metrics.cacheLookupRecorder('clients');
    const organizations = metrics.cacheLookupRecorder('organizations');
    clients(true);
    clients(true);
    clients(false);
    organizations(true);

    const first = await metrics.registry.metrics();
    expect(seriesValue(first, 'gatehouse_bearer_validations_total{outcome="valid"}')).toBe(2);
    expect(seriesValue(first, 'gatehouse_bearer_validations_total{outcome="expired"}')).toBe(1);
    expect(seriesValue(first, 'gatehouse_bearer_validations_total{outcome="invalid"}')).toBeUndefined();
    expect(seriesValue(first, 'gatehouse_cache_lookups_total{cache="clients",result="hit"}')).toBe(2);
    expect(seriesValue(first, 'gatehouse_cache_lookups_total{cache="clients",result="miss"}')).toBe(1);
    expect(seriesValue(first, 'gatehouse_cache_lookups_total{cache="organizations",result="hit"}')).toBe(1);

    // A second scrape adds only what happened since the first: nothing is counted twice.
    metrics.bearerValidation('valid');
    // A second recorder for the same cache (organizations by id and by name) counts into the same series.
    metrics.cacheLookupRecorder('organizations')(false);
    const second = await metrics.registry.metrics();
    expect(seriesValue(second, 'gatehouse_bearer_validations_total{outcome="valid"}')).toBe(3);
    expect(seriesValue(second, 'gatehouse_bearer_validations_total{outcome="expired"}')).toBe(1);
    expect(seriesValue(second, 'gatehouse_cache_lookups_total{cache="clients",result="hit"}')).toBe(2);
    expect(seriesValue(second, 'gatehouse_cache_lookups_total{cache="organizations",result="miss"}')).toBe(1);
    expect(await metrics.registry.metrics()).toContain('gatehouse_bearer_validations_total{outcome="valid"} 3');
  });
});
