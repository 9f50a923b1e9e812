import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChangeFeed } from '../src/change-feed/change-feed.js';
import { type TestApp, startApp } from './support/test-app.js';
import { basic, type Credentials, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization } from './support/tenants.js';

/** Review probes for issue 16: API and role changes made on one instance, enforced by another (same DB). */
describe('review probes: APIs and roles across two instances', () => {
  let first: TestApp;
  let second: TestApp;
  let rootBearer: { Authorization: string };
  let introspector: Credentials;
  let serial = 0;
  const tokenPath = '/auth/realms/shop/protocol/openid-connect/token';
  const cc = (app: TestApp, client: Credentials, params: Record<string, string>) => app.http().post(tokenPath).type('form').send({ grant_type: 'client_credentials', ...client, ...params });
  const introspect = (app: TestApp, token: string) => app.http().post('/api/v1/oauth/introspect').set('Authorization', basic(introspector)).type('form').send({ token });

  async function holdsAfterNextPoll(check: () => Promise<boolean>): Promise<void> {
    expect(await check()).toBe(false);
    await second.app.get(ChangeFeed).poll();
    expect(await check()).toBe(true);
  }

  beforeAll(async () => {
    const env = { CLIENT_CACHE_TTL_SECONDS: '3600', CHANGE_FEED_POLL_MS: '250', BRUTE_FORCE_MAX_FAILURES: '0' };
    first = await startApp({ env });
    second = await startApp({ env, databaseUrl: first.databaseUrl });
    await second.app.get(ChangeFeed).onApplicationShutdown();
    rootBearer = { Authorization: `Bearer ${await tokenFor(first, ROOT)}` };
    await createOrganization(first, { name: 'shop', oauth_enabled: true });
    introspector = await createClientIn(first, 'shop', { scopes: ['token:introspect'] });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  async function api(scopes: string[]): Promise<{ id: string; identifier: string }> {
    const identifier = `https://api${++serial}.example.com`;
    const response = await first.http().post('/api/v1/apis').set(rootBearer).send({ organization: 'shop', identifier, name: `API ${serial}`, scopes: scopes.map((name) => ({ name, description: name })) });
    expect(response.status).toBe(201);
    // The other instance learns of the new API at its next poll (its cache of the organization's APIs is an hour here).
    await second.app.get(ChangeFeed).poll();
    return { id: (response.body as { id: string }).id, identifier };
  }

  it('C1: a deleted API ends its tokens on the other instance at its next poll', async () => {
    const { id, identifier } = await api([`c1-${serial + 1}:read`]);
    const holder = await createClientIn(first, 'shop', { scopes: [`c1-${serial}:read`] });
    const token = (await cc(second, holder, { resource: identifier })).body.access_token as string;
    expect((await introspect(second, token)).body.active).toBe(true);
    expect((await first.http().delete(`/api/v1/apis/${id}`).set(rootBearer)).status).toBe(204);
    await holdsAfterNextPoll(async () => (await introspect(second, token)).body.active === false);
    expect((await cc(second, holder, { resource: identifier })).status).toBe(400);
  });

  it("C2: a scope removed from an API is refused on the other instance at its next poll", async () => {
    const name = `c2-${serial + 1}`;
    const { id, identifier } = await api([`${name}:read`, `${name}:write`]);
    const holder = await createClientIn(first, 'shop', { scopes: [`${name}:read`, `${name}:write`] });
    expect((await cc(second, holder, { resource: identifier, scope: `${name}:write` })).status).toBe(200);
    expect((await first.http().patch(`/api/v1/apis/${id}`).set(rootBearer).send({ scopes: [{ name: `${name}:read`, description: 'r' }] })).status).toBe(200);
    await holdsAfterNextPoll(async () => (await cc(second, holder, { resource: identifier, scope: `${name}:write` })).status === 400);
  });

  it('C3: a renamed API identifier stops naming it on the other instance at its next poll', async () => {
    const name = `c3-${serial + 1}`;
    const { id, identifier } = await api([`${name}:read`]);
    const holder = await createClientIn(first, 'shop', { scopes: [`${name}:read`] });
    const token = (await cc(second, holder, { resource: identifier })).body.access_token as string;
    expect((await introspect(second, token)).body.active).toBe(true);
    expect((await first.http().patch(`/api/v1/apis/${id}`).set(rootBearer).send({ identifier: `${identifier}/v2` })).status).toBe(200);
    await holdsAfterNextPoll(async () => (await cc(second, holder, { resource: identifier })).status === 400);
    expect((await introspect(second, token)).body.active).toBe(false);
  });

  it('C4: a scope taken from a role pattern (API scope removed) stops its client holders on the other instance', async () => {
    const name = `c4-${serial + 1}`;
    const { id, identifier } = await api([`${name}:read`, `${name}:write`]);
    const role = `c4-role-${serial}`;
    expect((await first.http().post('/api/v1/oauth/role').set(rootBearer).send({ organization: 'shop', name: role, scopes: [`${name}:*`] })).status).toBe(201);
    const holder = await createClientIn(first, 'shop', { permissions: [role] });
    await second.app.get(ChangeFeed).poll();
    expect((await cc(second, holder, { resource: identifier, scope: `${name}:write` })).status).toBe(200);
    expect((await first.http().patch(`/api/v1/apis/${id}`).set(rootBearer).send({ scopes: [{ name: `${name}:read`, description: 'r' }] })).status).toBe(200);
    await holdsAfterNextPoll(async () => (await cc(second, holder, { resource: identifier, scope: `${name}:write` })).status === 400);
  });
});
