import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { createClient, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization } from './support/tenants.js';

const REDIRECT = 'https://app.example.com/callback';
const LUMBERGH = { email: 'lumbergh@initech.test', password: 'yeah if you could just' };

/** Polar's organization tokens: `sub_type=organization` lets the user tie the token to one of their organizations. */
describe('organization tokens through the user flow (sub_type=organization)', () => {
  let gatehouse: TestApp;
  let app: string;
  let initech: { id: string };

  beforeAll(async () => {
    gatehouse = await startApp();
    initech = await createOrganization(gatehouse, { name: 'initech', oauth_enabled: true });
    await createOrganization(gatehouse, { name: 'closed', oauth_enabled: false });
    const root = await tokenFor(gatehouse, ROOT);
    const user = await gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).send({ ...LUMBERGH, organization: 'initech', role: 'administer-clients' });
    expect(user.status).toBe(201);
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
    expect(claims).toMatchObject({ sub: initech.id, sub_type: 'organization', org_id: initech.id, org: 'initech', client_id: app });

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
    expect(decodeJwt(refreshed.body.access_token as string).payload).toMatchObject({ sub: initech.id, sub_type: 'organization' });

    // Turning OAuth off for the organization stops its tokens.
    const root = await tokenFor(gatehouse, ROOT);
    await gatehouse.http().put('/api/v1/organizations/initech').set('Authorization', `Bearer ${root}`).send({ oauth_enabled: false }).expect(200);
    expect((await gatehouse.http().get('/api/v1/oauth/client').set('Authorization', `Bearer ${refreshed.body.access_token}`)).status).toBe(401);
    await gatehouse.http().put('/api/v1/organizations/initech').set('Authorization', `Bearer ${root}`).send({ oauth_enabled: true }).expect(200);
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
