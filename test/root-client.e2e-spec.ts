import { afterEach, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient } from './support/oauth.js';

describe('root client from configuration', () => {
  const apps: TestApp[] = [];
  const start = async (options: Parameters<typeof startApp>[0]) => {
    const app = await startApp(options);
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    while (apps.length > 0) await apps.pop()!.close();
  });
  const tokenStatus = async (app: TestApp, client_id: string, client_secret: string) =>
    (await app.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id, client_secret })).status;

  it('follows a changed OAUTH_ROOT_CLIENT_SECRET on restart', async () => {
    const [oldSecret, newSecret] = ['a'.repeat(32), 'b'.repeat(32)];
    const first = await start({ env: { OAUTH_ROOT_CLIENT_ID: 'root-a', OAUTH_ROOT_CLIENT_SECRET: oldSecret } });
    expect(await tokenStatus(first, 'root-a', oldSecret)).toBe(200);
    await first.close();
    apps.pop();
    const second = await start({ databaseUrl: first.databaseUrl, env: { OAUTH_ROOT_CLIENT_ID: 'root-a', OAUTH_ROOT_CLIENT_SECRET: newSecret } });
    expect(await tokenStatus(second, 'root-a', oldSecret)).toBe(401);
    expect(await tokenStatus(second, 'root-a', newSecret)).toBe(200);
  });

  it('replaces the root client when OAUTH_ROOT_CLIENT_ID changes, keeping ordinary clients', async () => {
    const secret = 'c'.repeat(32);
    const first = await start({ env: { OAUTH_ROOT_CLIENT_ID: 'root-a', OAUTH_ROOT_CLIENT_SECRET: secret } });
    const ordinary = await createClient(first, { scopes: ['scope:read'] }, { client_id: 'root-a', client_secret: secret });
    await first.close();
    apps.pop();
    const second = await start({ databaseUrl: first.databaseUrl, env: { OAUTH_ROOT_CLIENT_ID: 'root-b', OAUTH_ROOT_CLIENT_SECRET: secret } });
    expect(await tokenStatus(second, 'root-a', secret)).toBe(401);
    expect(await tokenStatus(second, 'root-b', secret)).toBe(200);
    expect(await tokenStatus(second, ordinary.client_id, ordinary.client_secret)).toBe(200);
  });

  it('refuses to start when OAUTH_ROOT_CLIENT_ID names an ordinary client', async () => {
    const first = await start({});
    const ordinaryId = (await createClient(first, { scopes: [] })).client_id;
    await first.close();
    apps.pop();
    await expect(startApp({ databaseUrl: first.databaseUrl, env: { OAUTH_ROOT_CLIENT_ID: ordinaryId, OAUTH_ROOT_CLIENT_SECRET: 'd'.repeat(32) } })).rejects.toThrow(
      /OAUTH_ROOT_CLIENT_ID names an existing ordinary client/,
    );
  });
});
