import { afterEach, describe, expect, it } from '@jest/globals';
import { ChangeFeed } from '../src/change-feed/change-feed.js';
import { ROOT } from './support/oauth.js';
import { realmTokenRequest } from './support/tenants.js';
import { type TestApp, startApp } from './support/test-app.js';

/**
 * A process that starts with another root client configuration changes the root client for
 * every process on the database. The others hold the root client in a cache that lives an hour
 * here, so only the change-feed event the restarted process writes can make them notice; the test
 * triggers their next poll instead of waiting for its timer.
 */
describe('bootstrap changes made by another instance', () => {
  const apps: TestApp[] = [];
  // The timer's polls as far apart as allowed: the test triggers the poll it waits for.
  const env = { CLIENT_CACHE_TTL_SECONDS: '3600', CHANGE_FEED_POLL_MS: '10000', BRUTE_FORCE_MAX_FAILURES: '0' };
  const start = async (options: { env: Record<string, string>; databaseUrl?: string }) => {
    const app = await startApp({ ...options, env: { ...env, ...options.env } });
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    while (apps.length > 0) await apps.pop()!.close();
  });
  const tokenStatus = async (app: TestApp, client_id: string, client_secret: string) =>
    (await app.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id, client_secret })).status;
  const auditOf = async (app: TestApp, id: string, secret: string, target: string) => {
    const token = (await app.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: id, client_secret: secret })).body.access_token as string;
    return (await app.http().get(`/api/v1/audit?target=${target}`).set('Authorization', `Bearer ${token}`)).body.events as { action: string; actor: { type: string } }[];
  };

  it('a new OAUTH_ROOT_CLIENT_SECRET reaches a running instance at its next change-feed poll', async () => {
    const [oldSecret, newSecret] = ['a'.repeat(32), 'b'.repeat(32)];
    const first = await start({ env: { OAUTH_ROOT_CLIENT_ID: 'root-a', OAUTH_ROOT_CLIENT_SECRET: oldSecret } });
    // The first instance has the root client (and its secret hash) cached.
    expect(await tokenStatus(first, 'root-a', oldSecret)).toBe(200);
    const second = await start({ databaseUrl: first.databaseUrl, env: { OAUTH_ROOT_CLIENT_ID: 'root-a', OAUTH_ROOT_CLIENT_SECRET: newSecret } });
    expect(await tokenStatus(second, 'root-a', newSecret)).toBe(200);
    await first.app.get(ChangeFeed).poll();
    expect(await tokenStatus(first, 'root-a', oldSecret)).toBe(401);
    expect(await tokenStatus(first, 'root-a', newSecret)).toBe(200);
    const events = await auditOf(second, 'root-a', newSecret, 'root-a');
    expect(events[0]).toMatchObject({ action: 'client.secret_regenerated', actor: { type: 'system' } });
  });

  it('a new OAUTH_ROOT_CLIENT_ID reaches a running instance at its next change-feed poll', async () => {
    const secret = 'c'.repeat(32);
    const first = await start({ env: { OAUTH_ROOT_CLIENT_ID: 'root-a', OAUTH_ROOT_CLIENT_SECRET: secret } });
    expect(await tokenStatus(first, 'root-a', secret)).toBe(200);
    // The first instance also caches the absence of the new id.
    expect(await tokenStatus(first, 'root-b', secret)).toBe(401);
    await start({ databaseUrl: first.databaseUrl, env: { OAUTH_ROOT_CLIENT_ID: 'root-b', OAUTH_ROOT_CLIENT_SECRET: secret } });
    await first.app.get(ChangeFeed).poll();
    expect(await tokenStatus(first, 'root-a', secret)).toBe(401);
    expect(await tokenStatus(first, 'root-b', secret)).toBe(200);
    expect((await auditOf(first, 'root-b', secret, 'root-a'))[0]).toMatchObject({ action: 'client.deleted', actor: { type: 'system' } });
    expect((await auditOf(first, 'root-b', secret, 'root-b'))[0]).toMatchObject({ action: 'client.created', actor: { type: 'system' } });
  });

  it('a new DEFAULT_ORGANIZATION reaches a running instance at its next change-feed poll', async () => {
    const first = await start({ env: {} });
    // The first instance has cached the built-in realm under its old name, and the new name's absence.
    expect((await realmTokenRequest(first, 'default', ROOT)).status).toBe(200);
    expect((await realmTokenRequest(first, 'main', ROOT)).status).toBe(404);
    await start({ databaseUrl: first.databaseUrl, env: { DEFAULT_ORGANIZATION: 'main' } });
    await first.app.get(ChangeFeed).poll();
    expect((await realmTokenRequest(first, 'main', ROOT)).status).toBe(200);
    expect((await realmTokenRequest(first, 'default', ROOT)).status).toBe(404);
  });
});
