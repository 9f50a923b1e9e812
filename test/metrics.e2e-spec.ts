import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, realmTokenRequest } from './support/tenants.js';

describe('GET /metrics', () => {
  let gatehouse: TestApp;

  beforeAll(async () => {
    gatehouse = await startApp();
  });
  afterAll(() => gatehouse.close());

  const scrape = async () => {
    const response = await gatehouse.http().get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    return response.text;
  };
  const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}()[\].*+?^$|\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);

  it('counts token requests by grant type, outcome and organization', async () => {
    await createOrganization(gatehouse, { name: 'metered', oauth_enabled: true });
    const client = await createClientIn(gatehouse, 'metered', { scopes: ['scope:read'] });
    const before = await scrape();
    await realmTokenRequest(gatehouse, 'metered', client).expect(200);
    await realmTokenRequest(gatehouse, 'metered', client).expect(200);
    await realmTokenRequest(gatehouse, 'metered', { ...client, client_secret: 'wrong' }).expect(401);
    await realmTokenRequest(gatehouse, 'metered', client, 'client:delete').expect(400);
    await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'password' }).expect(401);
    // Introspection and revocation are not token requests.
    await gatehouse.http().post('/api/v1/oauth/revoke').type('form').send({ token: 'x', ...client }).expect(200);
    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);
    expect(delta('gatehouse_token_requests_total{grant_type="client_credentials",outcome="issued",organization="metered"}')).toBe(2);
    expect(delta('gatehouse_token_requests_total{grant_type="client_credentials",outcome="invalid_client",organization="metered"}')).toBe(1);
    expect(delta('gatehouse_token_requests_total{grant_type="client_credentials",outcome="invalid_scope",organization="metered"}')).toBe(1);
    expect(delta('gatehouse_token_requests_total{grant_type="other",outcome="invalid_client",organization="unknown"}')).toBe(1);
    expect(delta('gatehouse_token_requests_total{grant_type="missing",outcome="issued",organization="metered"}')).toBe(0);
  });

  it('counts bearer validations by outcome, cache lookups, request latency and process figures', async () => {
    const token = await tokenFor(gatehouse, await createClient(gatehouse, { scopes: ['scope:read'] }));
    const before = await scrape();
    await gatehouse.http().get('/api/v1/oauth/scope').set('Authorization', `Bearer ${token}`).expect(200);
    await gatehouse.http().get('/api/v1/oauth/scope').set('Authorization', `Bearer ${token}`).expect(200);
    await gatehouse.http().get('/api/v1/oauth/client').set('Authorization', `Bearer ${token}`).expect(403);
    await gatehouse.http().get('/api/v1/oauth/scope').set('Authorization', 'Bearer nonsense').expect(401);
    await gatehouse.http().get('/api/v1/oauth/scope').expect(401);
    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);
    expect(delta('gatehouse_bearer_validations_total{outcome="valid"}')).toBe(2);
    expect(delta('gatehouse_bearer_validations_total{outcome="insufficient_scope"}')).toBe(1);
    expect(delta('gatehouse_bearer_validations_total{outcome="invalid"}')).toBe(1);
    expect(delta('gatehouse_bearer_validations_total{outcome="missing"}')).toBe(1);
    expect(delta('gatehouse_cache_lookups_total{cache="verified_tokens",result="hit"}')).toBeGreaterThanOrEqual(2);
    expect(delta('gatehouse_cache_lookups_total{cache="clients",result="hit"}')).toBeGreaterThanOrEqual(3);
    expect(delta('gatehouse_http_request_duration_seconds_count{route="/api/v1/oauth/scope",method="GET",status_code="200"}')).toBe(2);
    expect(after).toContain('gatehouse_process_resident_memory_bytes');
    expect(await tokenFor(gatehouse, ROOT)).toBeTruthy();
  });
});
