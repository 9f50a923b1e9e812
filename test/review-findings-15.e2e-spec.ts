import { afterEach, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { type Credentials, createClient, ROOT, tokenFor } from './support/oauth.js';
import { APP_REDIRECT } from './support/principals.js';
import { from } from './support/source-address.js';

/** Defects found reviewing the restructuring of issue 15: each test fails while the defect is there. */
describe('review findings after issue 15', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const app = await startApp({ env });
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    while (apps.length > 0) await apps.pop()!.close();
  });
  const clientAttempt = (app: TestApp, credentials: Credentials, address: string) =>
    app.http().post('/api/v1/oauth/token').agent(from(address)).type('form').send({ grant_type: 'client_credentials', ...credentials });

  describe('grant_types: null in a client update (class-validator\'s IsOptional lets null through)', () => {
    it('is refused with 400, and the client keeps getting tokens: it must not store null and make every later token request a 500', async () => {
      const app = await start();
      const root = await tokenFor(app, ROOT);
      const client = await createClient(app, { scopes: [] });
      const updated = await app.http().put(`/api/v1/oauth/client/${client.client_id}`).set('Authorization', `Bearer ${root}`).send({ grant_types: null });
      expect(updated.status).toBe(400);
      const token = await clientAttempt(app, client, '127.0.9.3');
      expect(token.status).toBe(200);
    });

    it('is refused with 400 for a public client, not answered with a 500', async () => {
      const app = await start();
      const root = await tokenFor(app, ROOT);
      const client = await createClient(app, { public: true, redirect_uris: [APP_REDIRECT], scopes: [] });
      const updated = await app.http().put(`/api/v1/oauth/client/${client.client_id}`).set('Authorization', `Bearer ${root}`).send({ grant_types: null });
      expect(updated.status).toBe(400);
    });
  });

  it('refuses null for any field of an update that has no null meaning, with 400, across the update APIs', async () => {
    const app = await start();
    const root = await tokenFor(app, ROOT);
    const client = await createClient(app, { scopes: [] });
    const user = await app.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).send({ email: 'null-probe@example.com', password: 'a long enough passphrase' });
    expect(user.status).toBe(201);
    for (const [path, body] of [
      [`/api/v1/oauth/client/${client.client_id}`, { scopes: null }],
      [`/api/v1/oauth/client/${client.client_id}`, { redirect_uris: null }],
      [`/api/v1/oauth/client/${client.client_id}`, { disabled: null }],
      [`/api/v1/users/${user.body.id}`, { role: null }],
      [`/api/v1/users/${user.body.id}`, { disabled: null }],
    ] as const) {
      const method = path.startsWith('/api/v1/users') ? 'patch' : 'put';
      const response = await app.http()[method](path).set('Authorization', `Bearer ${root}`).send(body);
      expect(`${path} ${JSON.stringify(body)} ${response.status}`).toBe(`${path} ${JSON.stringify(body)} 400`);
    }
    expect((await clientAttempt(app, client, '127.0.9.4')).status).toBe(200);
  });
});
