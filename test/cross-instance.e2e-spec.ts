import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChangeFeed } from '../src/change-feed/change-feed.js';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, type Credentials, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, realmToken } from './support/tenants.js';

/**
 * Two app instances on one database (MariaDB in CI; one SQLite file otherwise), each with its own
 * caches, as two server processes behind a load balancer. Changes go through `first`; `second`
 * must enforce them at its next change-feed poll, through the feed alone (its client cache TTL is
 * an hour here, so nothing else could make it notice). Its poll timer is stopped, so that the test
 * polls `second` itself, at the moment it chooses, instead of waiting for a timer; that the timer
 * polls every CHANGE_FEED_POLL_MS is src/change-feed/change-feed.spec.ts's business.
 */
describe('two instances on one database', () => {
  let first: TestApp;
  let second: TestApp;
  let root: string;

  const probe = (app: TestApp, token: string) => app.http().get('/api/v1/oauth/scope').set('Authorization', `Bearer ${token}`);
  const tokenRequest = (app: TestApp, credentials: Credentials) => app.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', ...credentials });

  /** `check` does not hold on `second` before its next change-feed poll, and holds right after it. */
  async function holdsAfterNextPoll(check: () => Promise<boolean>): Promise<void> {
    expect(await check()).toBe(false);
    await second.app.get(ChangeFeed).poll();
    expect(await check()).toBe(true);
  }

  beforeAll(async () => {
    // Brute-force detection off: polling the token endpoint with stale credentials is a string of failures.
    const env = { CLIENT_CACHE_TTL_SECONDS: '3600', CHANGE_FEED_POLL_MS: '250', BRUTE_FORCE_MAX_FAILURES: '0' };
    first = await startApp({ env });
    second = await startApp({ env, databaseUrl: first.databaseUrl });
    // Stops the poll timer (the hook the app's shutdown calls); `holdsAfterNextPoll` polls instead.
    await second.app.get(ChangeFeed).onApplicationShutdown();
    root = await tokenFor(first, ROOT);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('a revocation made through one is enforced by the other at its next poll', async () => {
    const client = await createClient(first, { scopes: ['scope:read'] });
    const token = await tokenFor(first, client);
    // The second instance has verified and cached the token (and the client) before the revocation.
    expect((await probe(second, token)).status).toBe(200);
    expect((await first.http().post('/api/v1/oauth/revoke').type('form').send({ token, ...client })).status).toBe(200);
    await holdsAfterNextPoll(async () => (await probe(second, token)).status === 401);
    expect((await probe(second, token)).body).toEqual({ error: 'invalid_token', error_description: 'The access token has been revoked' });
  });

  it("a personal access token revoked through one is refused by the other at its next poll", async () => {
    const { Browser, location, pkce } = await import('./support/browser.js');
    const app = await createClient(first, { public: true, redirect_uris: ['https://app.example.com/cb'], scopes: ['openid', 'token:personal', 'scope:read'] });
    const { verifier, challenge } = pkce();
    const back = await new Browser(first).authorizeAndDecide({ response_type: 'code', client_id: app.client_id, scope: 'openid token:personal scope:read', code_challenge: challenge, code_challenge_method: 'S256' });
    const userToken = (await first.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: app.client_id, code: location(back).searchParams.get('code')!, code_verifier: verifier })).body.access_token as string;
    // Through the API a personal access token carries only what the calling token holds: scope:read here.
    const created = await first.http().post('/api/v1/users/me/tokens').set('Authorization', `Bearer ${userToken}`).send({ name: 'probe', scopes: ['scope:read'], expires_in_days: 1 });
    expect(created.status).toBe(201);
    const pat = created.body as { id: string; token: string };
    expect((await probe(second, pat.token)).status).toBe(200);
    expect((await first.http().delete(`/api/v1/users/me/tokens/${pat.id}`).set('Authorization', `Bearer ${userToken}`)).status).toBe(204);
    await holdsAfterNextPoll(async () => (await probe(second, pat.token)).status === 401);
  });

  it("a client's not-before push, a regenerated secret and a deletion reach the other at its next poll", async () => {
    const client = await createClient(first, { scopes: ['scope:read'] });
    const token = await tokenFor(second, client);
    expect((await probe(second, token)).status).toBe(200);
    await first.http().post(`/api/v1/oauth/client/${client.client_id}/not-before`).set('Authorization', `Bearer ${root}`).expect(200);
    await holdsAfterNextPoll(async () => (await probe(second, token)).status === 401);

    // The second instance has the client (and its secret hash) cached; the old secret must stop working there.
    expect((await tokenRequest(second, client)).status).toBe(200);
    const regenerated = (await first.http().post(`/api/v1/oauth/client/${client.client_id}/secret?revoke_tokens=false`).set('Authorization', `Bearer ${root}`).expect(200)).body as Credentials;
    await holdsAfterNextPoll(async () => (await tokenRequest(second, client)).status === 401);
    const fresh = await tokenFor(second, regenerated);
    expect((await probe(second, fresh)).status).toBe(200);

    await first.http().delete(`/api/v1/oauth/client/${client.client_id}`).set('Authorization', `Bearer ${root}`).expect(204);
    await holdsAfterNextPoll(async () => (await probe(second, fresh)).status === 401);
    expect((await tokenRequest(second, regenerated)).status).toBe(401);
  });

  it("an organization's not-before push reaches the other at its next poll", async () => {
    await createOrganization(first, { name: 'two-instances', oauth_enabled: true });
    const client = await createClientIn(first, 'two-instances', { scopes: ['scope:read'] });
    const token = await realmToken(second, 'two-instances', client);
    expect((await probe(second, token)).status).toBe(200);
    await first.http().post('/api/v1/organizations/two-instances/not-before').set('Authorization', `Bearer ${root}`).expect(200);
    await holdsAfterNextPoll(async () => (await probe(second, token)).status === 401);
    expect((await probe(second, await realmToken(second, 'two-instances', client))).status).toBe(200);
  });

  it('a client created through one is known to the other at its next poll, even after the other cached its absence', async () => {
    const credentials = { client_id: 'late-arrival', client_secret: 'x'.repeat(43) };
    // The second instance caches "no such client" for this id.
    expect((await tokenRequest(second, credentials)).status).toBe(401);
    const created = await createClient(first, { client_id: 'late-arrival', scopes: ['scope:read'] });
    await holdsAfterNextPoll(async () => (await tokenRequest(second, created)).status === 200);
  });

  it("a role's changed scopes reach its holders on the other at its next poll", async () => {
    const role = `cross-instance-reader`;
    const rootBearer = { Authorization: `Bearer ${root}` };
    expect((await first.http().post('/api/v1/oauth/role').set(rootBearer).send({ name: role, scopes: ['scope:read', 'client:read'] })).status).toBe(201);
    const holder = await createClient(first, { scopes: [], permissions: [role] });
    const token = await tokenFor(second, holder, 'scope:read');
    // The second instance has resolved the role (and cached the client with what it holds).
    expect((await probe(second, token)).status).toBe(200);
    expect((await first.http().patch(`/api/v1/oauth/role/${role}`).set(rootBearer).send({ scopes: ['client:read'] })).status).toBe(200);
    await holdsAfterNextPoll(async () => (await probe(second, token)).status === 403);
  });

  it("a client's new redirect URI opens CORS for its origin on the other at its next poll, and the old origin closes", async () => {
    const before = 'https://before.example.com';
    const after = 'https://after.example.com';
    const app = await createClient(first, { public: true, redirect_uris: [`${before}/cb`], scopes: ['openid'] });
    const allows = async (origin: string) => (await second.http().get('/.well-known/jwks.json').set('Origin', origin)).headers['access-control-allow-origin'] === origin;
    expect(await allows(before)).toBe(true);
    expect((await first.http().put(`/api/v1/oauth/client/${app.client_id}`).set('Authorization', `Bearer ${root}`).send({ redirect_uris: [`${after}/cb`] })).status).toBe(200);
    await holdsAfterNextPoll(async () => (await allows(after)) && !(await allows(before)));
  });

  it('a revocation made while the other instance was down is enforced when it starts', async () => {
    const client = await createClient(first, { scopes: ['scope:read'] });
    const token = await tokenFor(first, client);
    await first.http().post('/api/v1/oauth/revoke').type('form').send({ token, ...client }).expect(200);
    const third = await startApp({ databaseUrl: first.databaseUrl });
    try {
      expect((await probe(third, token)).status).toBe(401);
    } finally {
      await third.close();
    }
  });
});
