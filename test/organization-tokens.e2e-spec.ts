import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { basic, createClient, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { addMembership, createUser, type Person, userTokens } from './support/principals.js';
import { createClientIn, createOrganization, realmToken } from './support/tenants.js';

const REDIRECT = 'https://app.example.com/callback';
const LUMBERGH = { email: 'lumbergh@initech.test', password: 'yeah if you could just' };

/** Polar's organization tokens: `sub_type=organization` lets the user tie the token to one of their organizations. */
describe('organization tokens through the user flow (sub_type=organization)', () => {
  let gatehouse: TestApp;
  let app: string;
  let initech: { id: string };
  let lumberghId: string;

  beforeAll(async () => {
    gatehouse = await startApp();
    initech = await createOrganization(gatehouse, { name: 'initech', oauth_enabled: true });
    await createOrganization(gatehouse, { name: 'closed', oauth_enabled: false });
    const root = await tokenFor(gatehouse, ROOT);
    const user = await gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).send({ ...LUMBERGH, organization: 'initech', role: 'administer-clients' });
    expect(user.status).toBe(201);
    lumberghId = (user.body as { id: string }).id;
    app = (await createClient(gatehouse, { name: 'Integrations', public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'client:read', 'organization:read'] })).client_id;
  });
  afterAll(() => gatehouse.close());

  const params = (extra: Record<string, string> = {}) => ({ response_type: 'code', client_id: app, scope: 'openid client:read organization:read', state: 'st', sub_type: 'organization', code_challenge: '', code_challenge_method: 'S256', ...extra });

  async function consentPage(browser: Browser, challenge: string) {
    const first = await browser.authorize(params({ code_challenge: challenge }));
    const signedIn = await browser.signIn(location(first).searchParams.get('return_to')!, LUMBERGH.email, LUMBERGH.password);
    return browser.agent.get(signedIn.headers.location!);
  }

  it("lets the user pick one of their organizations; the token is the organization's, not the user's", async () => {
    const browser = new Browser(gatehouse);
    const { verifier, challenge } = pkce();
    const page = await consentPage(browser, challenge);
    expect(page.status).toBe(200);
    expect(page.text).toContain('asks to act for one of your organizations');
    expect(page.text).toContain('<option value="initech">initech</option>');
    // Not an organization the user belongs to, and not one with OAuth off.
    expect(page.text).not.toContain('value="default"');
    expect(page.text).not.toContain('value="closed"');
    // No identity scopes for an organization token.
    expect(page.text).not.toContain('<code>openid</code>');

    const form = hiddenFields(page.text);
    expect((await browser.agent.post('/oauth2/authorize').type('form').send({ ...form, decision: 'allow', organization: 'default' })).status).toBe(400);
    const allowed = await browser.agent.post('/oauth2/authorize').type('form').send({ ...form, decision: 'allow', organization: 'initech' });
    const code = location(allowed).searchParams.get('code')!;
    const response = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: app, code, code_verifier: verifier });
    expect(response.status).toBe(200);
    // administer-clients gives client:read but not organization:read.
    expect(response.body.scope).toBe('client:read');
    expect(response.body.id_token).toBeUndefined();
    const claims = decodeJwt(response.body.access_token as string).payload;
    // The user is named only as who granted it: their current role there bounds it.
    expect(claims).toMatchObject({ sub: initech.id, sub_type: 'organization', org_id: initech.id, org: 'initech', client_id: app, granted_by: lumberghId });

    // It acts within initech: it sees initech's clients, not the built-in organization's.
    const initechClient = await createClientIn(gatehouse, 'initech', { name: 'tps-reports' });
    const clients = await gatehouse.http().get('/api/v1/oauth/client').set('Authorization', `Bearer ${response.body.access_token}`);
    expect(clients.status).toBe(200);
    expect(clients.body.items.map((client: { client_id: string }) => client.client_id)).toEqual([initechClient.client_id]);
    // User-only endpoints refuse it (it cannot even carry openid).
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${response.body.access_token}`)).status).toBe(403);
    expect((await gatehouse.http().get('/api/v1/users/me/tokens').set('Authorization', `Bearer ${response.body.access_token}`)).status).toBe(403);

    // Refreshing keeps it the organization's.
    const refreshed = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: app, refresh_token: response.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token as string).payload).toMatchObject({ sub: initech.id, sub_type: 'organization', granted_by: lumberghId });

    // Turning OAuth off for the organization stops its tokens.
    const root = await tokenFor(gatehouse, ROOT);
    await gatehouse.http().put('/api/v1/organizations/initech').set('Authorization', `Bearer ${root}`).send({ oauth_enabled: false }).expect(200);
    expect((await gatehouse.http().get('/api/v1/oauth/client').set('Authorization', `Bearer ${refreshed.body.access_token}`)).status).toBe(401);
    await gatehouse.http().put('/api/v1/organizations/initech').set('Authorization', `Bearer ${root}`).send({ oauth_enabled: true }).expect(200);
  });

  describe('stands for what the user who granted it may do now', () => {
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
    const refresh = (refreshToken: string) => gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: app, refresh_token: refreshToken });
    const introspect = (token: string) => gatehouse.http().post('/api/v1/oauth/introspect').set('Authorization', basic(ROOT)).type('form').send({ token });
    const orgToken = async (email: string, role: string) => {
      const person: Person = { email, password: 'granting user passphrase' };
      const userId = await createUser(gatehouse, person, 'initech', role);
      const tokens = await userTokens(gatehouse, { clientId: app, scope: 'client:read organization:read', person, organization: 'initech' });
      return { person, userId, tokens };
    };

    it('stops, access and refresh token, once the user is removed from the organization (while still a user elsewhere)', async () => {
      const { userId, tokens } = await orgToken('leaver@initech.test', 'administer-clients');
      await createOrganization(gatehouse, { name: 'initrode', oauth_enabled: true });
      await addMembership(gatehouse, userId, 'initrode', 'member');
      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(tokens.access_token))).status).toBe(200);
      const initechAdmin = await realmToken(gatehouse, 'initech', await createClientIn(gatehouse, 'initech', { name: 'initech users', permissions: ['administer-account'] }));
      expect((await gatehouse.http().delete(`/api/v1/users/${userId}`).set(bearer(initechAdmin))).status).toBe(204);
      // Removed from initech only: the account is still there.
      expect((await gatehouse.http().get(`/api/v1/users/${userId}`).set(bearer(await tokenFor(gatehouse, ROOT)))).status).toBe(200);

      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(tokens.access_token))).status).toBe(401);
      expect((await introspect(tokens.access_token)).body).toEqual({ active: false });
      const refreshed = await refresh(tokens.refresh_token);
      expect(refreshed.status).toBe(400);
      expect(refreshed.body.error).toBe('invalid_grant');
    });

    it('narrows to the scopes of a lower role at once, and on refresh for good', async () => {
      const { userId, tokens } = await orgToken('narrowed@initech.test', 'administer-account');
      expect(tokens.scope).toBe('client:read organization:read');
      // Used before the demotion, so that what the verifier remembered of it is stale afterwards.
      expect((await gatehouse.http().get('/api/v1/organizations/initech').set(bearer(tokens.access_token))).status).toBe(200);
      expect((await introspect(tokens.access_token)).body.scope).toBe('client:read organization:read');

      const root = await tokenFor(gatehouse, ROOT);
      expect((await gatehouse.http().put(`/api/v1/users/${userId}/organizations/initech`).set(bearer(root)).send({ role: 'administer-clients' })).status).toBe(200);
      expect((await gatehouse.http().get('/api/v1/organizations/initech').set(bearer(tokens.access_token))).status).toBe(403);
      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(tokens.access_token))).status).toBe(200);
      expect((await introspect(tokens.access_token)).body.scope).toBe('client:read');

      const refreshed = await refresh(tokens.refresh_token);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.scope).toBe('client:read');
      expect(decodeJwt(refreshed.body.access_token as string).payload.scope).toBe('client:read');
      // A promotion back does not widen the family again: refresh never widens.
      expect((await gatehouse.http().put(`/api/v1/users/${userId}/organizations/initech`).set(bearer(root)).send({ role: 'administer-account' })).status).toBe(200);
      const again = await refresh(refreshed.body.refresh_token as string);
      expect(again.status).toBe(200);
      expect(again.body.scope).toBe('client:read');
    });

    it("stops once the user changes their password (the user's not-before)", async () => {
      const { userId, tokens } = await orgToken('rotated@initech.test', 'administer-clients');
      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(tokens.access_token))).status).toBe(200);
      const root = await tokenFor(gatehouse, ROOT);
      expect((await gatehouse.http().patch(`/api/v1/users/${userId}`).set(bearer(root)).send({ password: 'a brand new passphrase' })).status).toBe(200);
      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(tokens.access_token))).status).toBe(401);
      const refreshed = await refresh(tokens.refresh_token);
      expect(refreshed.status).toBe(400);
      expect(refreshed.body.error).toBe('invalid_grant');
    });
  });

  it('refuses what cannot become an organization token', async () => {
    const browser = new Browser(gatehouse);
    const bad = await browser.authorize(params({ code_challenge: pkce().challenge, sub_type: 'robot' }));
    expect(location(bad).searchParams.get('error')).toBe('invalid_request');
    const onlyIdentity = await browser.authorize(params({ code_challenge: pkce().challenge, scope: 'openid' }));
    expect(location(onlyIdentity).searchParams.get('error')).toBe('invalid_scope');
    await consentPage(browser, pkce().challenge);
    const silent = await browser.authorize(params({ code_challenge: pkce().challenge, prompt: 'none' }));
    expect(location(silent).searchParams.get('error')).toBe('consent_required');
    // The administrator belongs to the built-in organization only; an app of initech offers only initech.
    const initechApp = await createClientIn(gatehouse, 'initech', { public: true, redirect_uris: [REDIRECT], scopes: ['client:read'] });
    const admin = await new Browser(gatehouse).authorizeAndDecide(params({ client_id: initechApp.client_id, scope: 'client:read', code_challenge: pkce().challenge }), 'allow', '/auth/realms/initech/protocol/openid-connect/auth');
    expect(location(admin).searchParams.get('error')).toBe('access_denied');
  });
});
