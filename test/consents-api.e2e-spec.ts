import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { APP_REDIRECT, createUser, userTokens } from './support/principals.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';

/** GET and DELETE /api/v1/users/me/consents: the apps a user allowed, through the public API (what the console's settings page calls). */
describe('a user’s own consents through the API', () => {
  let gatehouse: TestApp;
  let manager: string;
  let dashboard: string;
  const admin = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };

  beforeAll(async () => {
    gatehouse = await startApp();
    manager = (await createClient(gatehouse, { name: 'Account manager', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'consent:personal'] })).client_id;
    dashboard = (await createClient(gatehouse, { name: 'Dashboard', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'email'] })).client_id;
  });
  afterAll(() => gatehouse.close());

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const refresh = (clientId: string, refreshToken: string) => gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });

  it('lists the apps the caller allowed, and takes one back with its refresh tokens; nobody else’s', async () => {
    const own = (await userTokens(gatehouse, { clientId: manager, scope: 'openid consent:personal', person: admin })).access_token!;
    const allowed = await userTokens(gatehouse, { clientId: dashboard, scope: 'openid email', person: admin });
    const other = { email: 'other@example.com', password: 'other passphrase' };
    await createUser(gatehouse, other, 'default', 'member');
    const othersToken = (await userTokens(gatehouse, { clientId: manager, scope: 'openid consent:personal', person: other })).access_token!;
    const othersDashboard = await userTokens(gatehouse, { clientId: dashboard, scope: 'openid', person: other });

    const listed = await gatehouse.http().get('/api/v1/users/me/consents').set(bearer(own));
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(2);
    expect(listed.body).toEqual(
      expect.arrayContaining([
        { client_id: dashboard, client_name: 'Dashboard', scopes: ['openid', 'email'], granted_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
        expect.objectContaining({ client_id: manager, client_name: 'Account manager', scopes: ['openid', 'consent:personal'] }),
      ]),
    );

    expect((await gatehouse.http().delete(`/api/v1/users/me/consents/${dashboard}`).set(bearer(own))).status).toBe(204);
    expect((await refresh(dashboard, allowed.refresh_token!)).body.error).toBe('invalid_grant');
    expect((await gatehouse.http().get('/oauth2/userinfo').set(bearer(allowed.access_token!))).status).toBe(401);
    expect((await gatehouse.http().get('/api/v1/users/me/consents').set(bearer(own))).body.map((consent: { client_id: string }) => consent.client_id)).toEqual([manager]);
    // Once gone, there is nothing to take back; and an id no client can have names nothing.
    const again = await gatehouse.http().delete(`/api/v1/users/me/consents/${dashboard}`).set(bearer(own));
    expect(again.status).toBe(404);
    expect(again.body.message).toMatch(/not allowed this app/);
    expect((await gatehouse.http().delete(`/api/v1/users/me/consents/${'x'.repeat(80)}`).set(bearer(own))).status).toBe(404);

    // The other user's consent to the same app stands, and their refresh token still works.
    expect((await gatehouse.http().get('/api/v1/users/me/consents').set(bearer(othersToken))).body.map((consent: { client_id: string }) => consent.client_id).sort()).toEqual([dashboard, manager].sort());
    expect((await refresh(dashboard, othersDashboard.refresh_token!)).status).toBe(200);
  });

  it('answers user tokens carrying consent:personal only', async () => {
    const root = await tokenFor(gatehouse, ROOT);
    const byClient = await gatehouse.http().get('/api/v1/users/me/consents').set(bearer(root));
    expect(byClient.status).toBe(403);
    expect(byClient.body.message).toMatch(/belong to users/);
    const withoutScope = (await userTokens(gatehouse, { clientId: dashboard, scope: 'openid email', person: admin })).access_token!;
    expect((await gatehouse.http().get('/api/v1/users/me/consents').set(bearer(withoutScope))).status).toBe(403);
    expect((await gatehouse.http().get('/api/v1/users/me/consents')).status).toBe(401);
  });
});
