import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization } from './support/tenants.js';
import { location } from './support/browser.js';
import { APP_REDIRECT, authorizationCode, createUser, type Person } from './support/principals.js';
import { Browser, pkce } from './support/browser.js';

const ORDERS = 'https://orders.example.com';
const BILLING = 'https://billing.example.com';
/** Registered by another organization: unknown to acme's clients. */
const FOREIGN = 'https://globex.example.com/api';
const OWN = 'http://localhost:8080';
const TOKEN = '/auth/realms/acme/protocol/openid-connect/token';
const AUTHORIZE = '/auth/realms/acme/protocol/openid-connect/auth';

/**
 * RFC 8707 at the authorization and token endpoints for users' grants: `resource` names the API a
 * token is for, and a later token request may pick within what the grant covers, never beyond it.
 */
describe('resource indicators (RFC 8707) in the authorization code and refresh token grants', () => {
  let gatehouse: TestApp;
  let app: { client_id: string };
  const person: Person = { email: 'clerk@acme.test', password: 'clerk passphrase long' };

  const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
    gatehouse.http().post(TOKEN).type('form').send({ grant_type: 'authorization_code', client_id: app.client_id, code, code_verifier: verifier, redirect_uri: APP_REDIRECT, ...extra });
  const refresh = (refreshToken: string, extra: Record<string, string> = {}) => gatehouse.http().post(TOKEN).type('form').send({ grant_type: 'refresh_token', client_id: app.client_id, refresh_token: refreshToken, ...extra });
  const codeFor = (scope: string, extra: Record<string, string> = {}) => authorizationCode(gatehouse, { clientId: app.client_id, scope, person, realm: 'acme', extra });
  const refused = (response: { status: number; body: Record<string, unknown> }) => [response.status, response.body.error];

  beforeAll(async () => {
    gatehouse = await startApp();
    await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true });
    await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true });
    const root = await tokenFor(gatehouse, ROOT);
    const register = async (organization: string, identifier: string, scope: string) => {
      const response = await gatehouse.http().post('/api/v1/apis').set('Authorization', `Bearer ${root}`).send({ organization, identifier, name: scope, scopes: [{ name: scope, description: scope }] });
      expect(response.status).toBe(201);
    };
    await register('acme', ORDERS, 'orders:read');
    await register('acme', BILLING, 'billing:read');
    await register('globex', FOREIGN, 'globex:read');
    const role = await gatehouse.http().post('/api/v1/oauth/role').set('Authorization', `Bearer ${root}`).send({ organization: 'acme', name: 'clerk', scopes: ['orders:read', 'billing:read'] });
    expect(role.status).toBe(201);
    await createUser(gatehouse, person, 'acme', 'clerk');
    app = await createClientIn(gatehouse, 'acme', { name: 'app', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'orders:read', 'billing:read'] });
  }, 90_000);
  afterAll(() => gatehouse.close());

  it("issues the code's tokens for the resource its authorization request named, with that API's scopes only", async () => {
    // Asking for another API's scope along with the resource is refused outright (RFC 8707 §2: the scopes are the resource's).
    await expect(codeFor('openid orders:read billing:read', { resource: ORDERS })).rejects.toThrow(/error=invalid_target/);
    const { code, verifier } = await codeFor('openid orders:read', { resource: ORDERS });
    const tokens = await exchange(code, verifier);
    expect(tokens.status).toBe(200);
    // openid adds Gatehouse's own audience, for userinfo.
    expect(decodeJwt(tokens.body.access_token as string).payload).toMatchObject({ aud: [ORDERS, OWN], scope: 'openid orders:read' });
    const again = await refresh(tokens.body.refresh_token as string, { resource: ORDERS });
    expect(again.status).toBe(200);
    expect(decodeJwt(again.body.access_token as string).payload).toMatchObject({ aud: [ORDERS, OWN], scope: 'openid orders:read' });
  });

  it('names the API on the consent page when the request names one, and no API when it does not', async () => {
    // Someone who has consented to nothing yet, so that the page is shown.
    const reader: Person = { email: 'reader@acme.test', password: 'reader passphrase long' };
    await createUser(gatehouse, reader, 'acme', 'clerk');
    const browser = new Browser(gatehouse);
    const consentFor = async (extra: Record<string, string>) => {
      let page = await browser.authorize({ response_type: 'code', client_id: app.client_id, redirect_uri: APP_REDIRECT, scope: 'orders:read', state: 's', code_challenge: pkce().challenge, code_challenge_method: 'S256', ...extra }, AUTHORIZE);
      if (page.status === 302 && location(page).pathname === '/oauth2/sign-in') {
        const signedIn = await browser.signIn(location(page).searchParams.get('return_to')!, reader.email, reader.password);
        page = await browser.agent.get(signedIn.headers.location!);
      }
      expect(page.status).toBe(200);
      return page.text;
    };
    // The API's name, then its identifier (the name is orders:read here, as registered).
    expect(await consentFor({ resource: ORDERS })).toContain(`<p id="resource">This access is for <strong>orders:read</strong> <span class="fine scope-code">(<code class="token">${ORDERS}</code>)</span> only.</p>`);
    expect(await consentFor({})).not.toContain('id="resource"');
  });

  it('refuses, as invalid_target, a code or a refresh token asked for another resource than its grant names, and burns neither', async () => {
    const { code, verifier } = await codeFor('openid orders:read', { resource: ORDERS });
    expect(refused(await exchange(code, verifier, { resource: BILLING }))).toEqual([400, 'invalid_target']);
    expect(refused(await exchange(code, verifier, { resource: OWN }))).toEqual([400, 'invalid_target']);
    expect(refused(await exchange(code, verifier, { audience: FOREIGN }))).toEqual([400, 'invalid_target']);
    const tokens = await exchange(code, verifier, { resource: ORDERS });
    expect(tokens.status).toBe(200);
    for (const resource of [BILLING, OWN, FOREIGN, `${ORDERS}#x`, '/relative']) {
      expect([resource, ...refused(await refresh(tokens.body.refresh_token as string, { resource }))]).toEqual([resource, 400, 'invalid_target']);
    }
    const refreshed = await refresh(tokens.body.refresh_token as string);
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token as string).payload.aud).toEqual([ORDERS, OWN]);
  });

  it('lets a grant that named no resource pick one of the APIs it holds scopes of, and no other', async () => {
    const { code, verifier } = await codeFor('openid orders:read billing:read');
    const tokens = await exchange(code, verifier, { resource: BILLING });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.access_token as string).payload).toMatchObject({ aud: [BILLING, OWN], scope: 'openid billing:read' });
    const orders = await refresh(tokens.body.refresh_token as string, { resource: ORDERS });
    expect(decodeJwt(orders.body.access_token as string).payload).toMatchObject({ aud: [ORDERS, OWN], scope: 'openid orders:read' });

    // A grant of orders:read alone holds nothing of billing: no token for it, even an empty one.
    const narrow = await codeFor('orders:read');
    expect(refused(await exchange(narrow.code, narrow.verifier, { resource: BILLING }))).toEqual([400, 'invalid_target']);
    const ordersOnly = await exchange(narrow.code, narrow.verifier);
    expect(decodeJwt(ordersOnly.body.access_token as string).payload).toMatchObject({ aud: ORDERS, scope: 'orders:read' });
    expect(refused(await refresh(ordersOnly.body.refresh_token as string, { resource: BILLING }))).toEqual([400, 'invalid_target']);
  });

  it('sends invalid_target back to the client from the authorization endpoint for an unknown, foreign or fragment resource', async () => {
    const browser = new Browser(gatehouse);
    for (const resource of ['https://unknown.example.com', FOREIGN, `${ORDERS}#fragment`, 'orders']) {
      const page = await browser.authorize({ response_type: 'code', client_id: app.client_id, redirect_uri: APP_REDIRECT, scope: 'orders:read', state: 's', code_challenge: pkce().challenge, code_challenge_method: 'S256', resource }, AUTHORIZE);
      expect([resource, page.status, location(page).searchParams.get('error')]).toEqual([resource, 302, 'invalid_target']);
    }
  });
});
