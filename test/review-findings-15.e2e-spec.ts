import { afterEach, describe, expect, it } from '@jest/globals';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';
import { type Credentials, createClient, ROOT, tokenFor } from './support/oauth.js';
import { APP_REDIRECT } from './support/principals.js';
import { from } from './support/source-address.js';
import { Browser } from './support/browser.js';

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

  describe('BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS bounds one address over client_ids and emails together (README)', () => {
    it('an address that spent its budget on client ids is not given a fresh one for sign-in', async () => {
      const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS: '4', BRUTE_FORCE_LOCKOUT_SECONDS: '60' });
      for (let index = 0; index < 4; index += 1) expect((await clientAttempt(app, { client_id: `sprayed-${index}`, client_secret: 'a guess' }, '127.0.9.1')).status).toBe(401);
      // The address's budget over all ids is spent: no password is even checked from it for an account it never signed in to.
      expect((await new Browser(app, '127.0.9.1').signIn(undefined, ADMIN_EMAIL, 'a guess')).status).toBe(429);
      expect((await new Browser(app, '127.0.9.1').signIn(undefined, ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(429);
    });

    it('an address that spent its budget on emails is not given a fresh one for client secrets', async () => {
      const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS: '4', BRUTE_FORCE_LOCKOUT_SECONDS: '60' });
      const victim = await createClient(app, { scopes: [] });
      for (let index = 0; index < 4; index += 1) expect((await new Browser(app, '127.0.9.2').signIn(undefined, `sprayed-${index}@example.com`, 'a guess')).status).toBe(401);
      expect((await clientAttempt(app, { ...victim, client_secret: 'a guess' }, '127.0.9.2')).status).toBe(429);
    });
  });
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
});
