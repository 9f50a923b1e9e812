import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { basic, type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createUser } from './support/principals.js';
import { freePort, runNodeProcess, type ServerProcess } from './support/server-process.js';
import { createClientIn, createOrganization, type Organization } from './support/tenants.js';
import { type TestApp, startApp } from './support/test-app.js';

const ORDERS = 'https://orders.example.com';
const BILLING = 'https://billing.example.com';
const APP_REDIRECT = 'https://shop.example.net/callback';
const MANAGER = { email: 'olivia@acme.example', password: 'orders manager passphrase' };

/**
 * Issue 16's acceptance, end to end: an organization registers its own API, Gatehouse issues
 * tokens for it, and a resource server that only knows Gatehouse's public keys (the example, run
 * as a separate process) accepts and refuses them.
 */
describe('protect your own API', () => {
  let gatehouse: TestApp;
  let base: string;
  let acme: Organization;
  let globex: Organization;
  let ordersApiId: string;
  let resourceServer: ServerProcess;
  let ordersUrl: string;
  let reader: Credentials;
  let introspector: Credentials;

  const asRoot = async () => `Bearer ${await tokenFor(gatehouse, ROOT)}`;
  const realmToken = async (organization: Organization, credentials: Credentials, params: Record<string, string>) => {
    const response = await gatehouse.http().post(`/auth/realms/${organization.name}/protocol/openid-connect/token`).type('form').send({ grant_type: 'client_credentials', ...credentials, ...params });
    expect(response.status).toBe(200);
    return response.body as { access_token: string; scope: string };
  };
  const orders = (token: string, method: 'GET' | 'POST' = 'GET') =>
    fetch(`${ordersUrl}/v1/orders`, { method, headers: { Authorization: `Bearer ${token}`, ...(method === 'POST' && { 'Content-Type': 'application/json' }) }, ...(method === 'POST' && { body: JSON.stringify({ item: 'widget', quantity: 2 }) }) });
  const introspect = async (token: string) => (await gatehouse.http().post('/api/v1/oauth/introspect').set('Authorization', basic(introspector)).type('form').send({ token })).body as Record<string, unknown>;

  async function registerApi(organization: Organization, identifier: string, scopes: { name: string; description: string }[]): Promise<string> {
    const response = await gatehouse.http().post('/api/v1/apis').set('Authorization', await asRoot()).send({ organization: organization.name, identifier, name: identifier, scopes });
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: base } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
    acme = await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true });
    globex = await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true });
    ordersApiId = await registerApi(acme, ORDERS, [
      { name: 'orders:read', description: 'See the orders of your organization' },
      { name: 'orders:write', description: 'Place orders for your organization' },
    ]);
    await registerApi(acme, BILLING, [{ name: 'billing:read', description: 'See invoices' }]);
    await registerApi(globex, ORDERS, [{ name: 'orders:read', description: 'See orders' }]);
    reader = await createClientIn(gatehouse, acme.name, { scopes: ['orders:read', 'billing:read'] });
    introspector = await createClientIn(gatehouse, acme.name, { scopes: ['token:introspect'] });
    resourceServer = runNodeProcess(resolve('examples/resource-server/server.mjs'), { GATEHOUSE_ISSUER: acme.issuer, API_IDENTIFIER: ORDERS, PORT: '0', LOG_LEVEL: 'silent' }, /Resource server listening on port (\d+)/);
    ordersUrl = `http://127.0.0.1:${await resourceServer.listening}`;
  });
  afterAll(async () => {
    await resourceServer?.stop();
    await gatehouse?.close();
  });

  it('a client holding orders:read gets a token for the orders API from its realm; the resource server accepts it for GET and refuses POST', async () => {
    const issued = await realmToken(acme, reader, { resource: ORDERS });
    expect(issued.scope).toBe('orders:read');
    expect(decodeJwt(issued.access_token).payload).toMatchObject({ aud: ORDERS, scope: 'orders:read', iss: acme.issuer });
    expect((await orders(issued.access_token)).status).toBe(200);
    const post = await orders(issued.access_token, 'POST');
    expect(post.status).toBe(403);
    expect(await post.json()).toMatchObject({ error: 'insufficient_scope' });
    expect(post.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
  });

  it('refuses a token for another API, and one of another organization for an API of the same identifier (401)', async () => {
    const billing = await realmToken(acme, reader, { resource: BILLING });
    const forBilling = await orders(billing.access_token);
    expect(forBilling.status).toBe(401);
    expect(forBilling.headers.get('www-authenticate')).toMatch(/invalid_token/);
    const globexClient = await createClientIn(gatehouse, globex.name, { scopes: ['orders:read'] });
    const foreign = await realmToken(globex, globexClient, { resource: ORDERS });
    expect(decodeJwt(foreign.access_token).payload.aud).toBe(ORDERS);
    expect((await orders(foreign.access_token)).status).toBe(401);
  });

  it("a custom role granting orders:* lets a user give a third-party app a token for the API, after a consent page that shows the scopes' descriptions", async () => {
    const role = await gatehouse.http().post('/api/v1/oauth/role').set('Authorization', await asRoot()).send({ organization: acme.name, name: 'order-manager', description: 'Manages orders', scopes: ['orders:*'] });
    expect(role.status).toBe(201);
    await createUser(gatehouse, MANAGER, acme.name, 'order-manager');
    const shop = await createClientIn(gatehouse, acme.name, { name: 'Shop', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'orders:read', 'orders:write'] });

    const browser = new Browser(gatehouse);
    const { verifier, challenge } = pkce();
    const authorizePath = `/auth/realms/${acme.name}/protocol/openid-connect/auth`;
    const params = { response_type: 'code', client_id: shop.client_id, redirect_uri: APP_REDIRECT, scope: 'openid orders:read orders:write', state: 's1', code_challenge: challenge, code_challenge_method: 'S256', resource: ORDERS };
    const first = await browser.authorize(params, authorizePath);
    expect(location(first).pathname).toBe('/oauth2/sign-in');
    const signedIn = await browser.signIn(location(first).searchParams.get('return_to')!, MANAGER.email, MANAGER.password);
    expect(signedIn.status).toBe(303);
    const consent = await browser.agent.get(signedIn.headers.location!);
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('See the orders of your organization');
    expect(consent.text).toContain('Place orders for your organization');
    const decided = await browser.agent.post(authorizePath).type('form').send({ ...hiddenFields(consent.text), decision: 'allow' });
    const code = location(decided).searchParams.get('code');
    expect(code).toBeTruthy();

    const tokens = await gatehouse.http().post(`/auth/realms/${acme.name}/protocol/openid-connect/token`).type('form').send({ grant_type: 'authorization_code', client_id: shop.client_id, code: code!, code_verifier: verifier, redirect_uri: APP_REDIRECT });
    expect(tokens.status).toBe(200);
    const access = decodeJwt(tokens.body.access_token as string).payload;
    expect(access).toMatchObject({ scope: 'openid orders:read orders:write', sub_type: 'user' });
    // With openid, the token also names Gatehouse, so that the app can call userinfo with it.
    expect(access.aud).toContain(ORDERS);
    expect((await orders(tokens.body.access_token as string, 'POST')).status).toBe(201);
    const userinfo = await gatehouse.http().get(`/auth/realms/${acme.name}/protocol/openid-connect/userinfo`).set('Authorization', `Bearer ${tokens.body.access_token as string}`);
    expect(userinfo.status).toBe(200);

    // The refresh token keeps the grant; a refresh narrowed to orders:read gets a token for reading only.
    const refreshed = await gatehouse.http().post(`/auth/realms/${acme.name}/protocol/openid-connect/token`).type('form').send({ grant_type: 'refresh_token', client_id: shop.client_id, refresh_token: tokens.body.refresh_token as string, scope: 'orders:read' });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token as string).payload).toMatchObject({ aud: ORDERS, scope: 'orders:read' });
    expect((await orders(refreshed.body.access_token as string, 'POST')).status).toBe(403);
  });

  it('deleting the API makes introspection answer inactive for its tokens', async () => {
    const issued = await realmToken(acme, reader, { resource: ORDERS });
    expect(await introspect(issued.access_token)).toMatchObject({ active: true, aud: ORDERS, scope: 'orders:read' });
    const deleted = await gatehouse.http().delete(`/api/v1/apis/${ordersApiId}`).set('Authorization', await asRoot());
    expect(deleted.status).toBe(204);
    expect(await introspect(issued.access_token)).toEqual({ active: false });
  });
});
