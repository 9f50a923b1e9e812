import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, realmTokenRequest } from './support/tenants.js';

describe('GET /metrics', () => {
  let gatehouse: TestApp;
  /** A scraper's token: a client the root client made with the metrics:read scope, as an operator sets Prometheus up. */
  let scraper: string;

  beforeAll(async () => {
    gatehouse = await startApp();
    scraper = await tokenFor(gatehouse, await createClient(gatehouse, { name: 'prometheus', scopes: ['metrics:read'] }));
  });
  afterAll(() => gatehouse.close());

  const scrape = async () => {
    const response = await gatehouse.http().get('/metrics').set('Authorization', `Bearer ${scraper}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    return response.text;
  };
  const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}()[\].*+?^$|\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);

  it('answers only a token with the metrics:read scope: it names every organization', async () => {
    const anonymous = await gatehouse.http().get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(anonymous.text).not.toContain('gatehouse_');
    const reader = await tokenFor(gatehouse, await createClient(gatehouse, { scopes: ['scope:read'] }));
    const lacking = await gatehouse.http().get('/metrics').set('Authorization', `Bearer ${reader}`);
    expect(lacking.status).toBe(403);
    expect(lacking.body).toMatchObject({ error: 'insufficient_scope' });
    // An organization's administrator does not get it: the metrics cross organizations.
    const administrator = await tokenFor(gatehouse, await createClient(gatehouse, { scopes: [], permissions: ['administer-account'] }));
    expect((await gatehouse.http().get('/metrics').set('Authorization', `Bearer ${administrator}`)).status).toBe(403);
    const administratorClient = await gatehouse.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${administrator}`).send({ scopes: ['metrics:read'] });
    expect(administratorClient.status).toBe(403);
    expect((await gatehouse.http().get('/metrics').set('Authorization', `Bearer ${await tokenFor(gatehouse, ROOT)}`)).status).toBe(200);
    expect(await scrape()).toContain('gatehouse_token_requests_total');
  });

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
    // Two requests, and the second scrape's own token.
    expect(delta('gatehouse_bearer_validations_total{outcome="valid"}')).toBe(3);
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
