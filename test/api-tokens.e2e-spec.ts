import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { basic, type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, createProject, type Organization, type Project } from './support/tenants.js';

const ORDERS = 'https://orders.example.com';
const BILLING = 'https://billing.example.com';

/** Tokens for the APIs an organization registers (RFC 8707 `resource`, or `audience`). */
describe('access tokens for registered APIs', () => {
  let gatehouse: TestApp;
  let acme: Organization;
  let other: Organization;
  let project: Project;
  let worker: Credentials;
  let mixed: Credentials;
  let ordersId: string;
  /** The orders API's own client, which introspects the tokens it is shown (RFC 7662). */
  let introspector: Credentials;

  const tokenEndpoint = (organization: Organization) => `/auth/realms/${organization.name}/protocol/openid-connect/token`;
  const requestToken = (credentials: Credentials, params: Record<string, string>, organization = acme) =>
    gatehouse.http().post(tokenEndpoint(organization)).type('form').send({ grant_type: 'client_credentials', ...credentials, ...params });
  const introspect = (token: string, caller: Credentials = introspector) => gatehouse.http().post('/api/v1/oauth/introspect').set('Authorization', basic(caller)).type('form').send({ token });

  async function registerApi(organization: Organization, body: Record<string, unknown>): Promise<string> {
    const response = await gatehouse.http().post('/api/v1/apis').set('Authorization', `Bearer ${await tokenFor(gatehouse, ROOT)}`).send({ organization: organization.name, ...body });
    expect(response.status).toBe(201);
    return (response.body as { id: string }).id;
  }

  beforeAll(async () => {
    gatehouse = await startApp();
    acme = await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true });
    other = await createOrganization(gatehouse, { name: 'other', oauth_enabled: true });
    project = await createProject(gatehouse, acme.name, 'warehouse');
    ordersId = await registerApi(acme, {
      identifier: ORDERS,
      name: 'Orders',
      scopes: [
        { name: 'orders:read', description: 'Read your orders' },
        { name: 'orders:write', description: 'Place orders' },
      ],
      access_token_lifespan: 600,
    });
    await registerApi(acme, { identifier: BILLING, name: 'Billing', scopes: [{ name: 'billing:read', description: 'Read invoices' }], require_project_scoped_tokens: true });
    await registerApi(other, { identifier: ORDERS, name: 'Their orders', scopes: [{ name: 'orders:read', description: 'Read orders' }] });
    worker = await createClientIn(gatehouse, acme.name, { scopes: ['orders:read'] });
    mixed = await createClientIn(gatehouse, acme.name, { scopes: ['orders:read', 'orders:write', 'billing:read', 'client:read'] });
    introspector = await createClientIn(gatehouse, acme.name, { scopes: ['token:introspect'] });
  });
  afterAll(() => gatehouse.close());

  it("issues a token whose aud is the API named by resource, with that API's scopes and lifespan", async () => {
    const response = await requestToken(mixed, { resource: ORDERS });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ scope: 'orders:read orders:write', expires_in: 600 });
    const { payload } = decodeJwt(response.body.access_token as string);
    expect(payload).toMatchObject({ aud: ORDERS, scope: 'orders:read orders:write', org_id: acme.id, iss: acme.issuer });
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);
  });

  it('accepts audience as Auth0 clients send it, and the scopes alone naming one API', async () => {
    const byAudience = await requestToken(mixed, { audience: ORDERS, scope: 'orders:read' });
    expect(byAudience.status).toBe(200);
    expect(decodeJwt(byAudience.body.access_token as string).payload).toMatchObject({ aud: ORDERS, scope: 'orders:read' });
    const byScope = await requestToken(worker, { scope: 'orders:read' });
    expect(byScope.status).toBe(200);
    expect(decodeJwt(byScope.body.access_token as string).payload.aud).toBe(ORDERS);
    // A client holding one API's scopes only needs to name nothing.
    const bare = await requestToken(worker, {});
    expect(decodeJwt(bare.body.access_token as string).payload).toMatchObject({ aud: ORDERS, scope: 'orders:read' });
  });

  it("keeps a client's plain token request for Gatehouse's own API", async () => {
    const response = await requestToken(mixed, {});
    expect(response.status).toBe(200);
    expect(response.body.scope).toBe('client:read');
    expect(decodeJwt(response.body.access_token as string).payload.aud).not.toBe(ORDERS);
  });

  it.each([
    ['an unknown API', { resource: 'https://unknown.example.com' }, /not an API of the organization acme/],
    ["another organization's API is unknown here", { resource: 'https://billing.example.com/v2' }, /not an API/],
    ['a relative resource', { resource: '/orders' }, /absolute URI/],
    ['a resource with a fragment', { resource: `${ORDERS}#x` }, /absolute URI/],
    ['resource and audience disagreeing', { resource: ORDERS, audience: BILLING }, /different APIs/],
    ['scopes of two APIs', { scope: 'orders:read client:read' }, /several APIs/],
    ['a scope of another API than the one named', { resource: ORDERS, scope: 'orders:read client:read' }, /not scopes of/],
  ])('answers invalid_target for %s', async (_, params, description) => {
    const response = await requestToken(mixed, params as Record<string, string>);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_target');
    expect(response.body.error_description).toMatch(description);
  });

  it('refuses a repeated resource at the edge, like any repeated parameter: a token is for one API', async () => {
    const response = await gatehouse.http().post(tokenEndpoint(acme)).type('form').send(`grant_type=client_credentials&client_id=${mixed.client_id}&client_secret=${mixed.client_secret}&resource=${encodeURIComponent(ORDERS)}&resource=${encodeURIComponent(BILLING)}`);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_request', error_description: 'The parameter resource is repeated; send each parameter once' });
  });

  it('refuses scopes the client does not hold as invalid_scope, as before', async () => {
    const response = await requestToken(worker, { resource: ORDERS, scope: 'orders:write' });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_scope');
  });

  it('issues project-scoped tokens only for an API that requires them', async () => {
    const refused = await requestToken(mixed, { resource: BILLING });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_scope' });
    expect(refused.body.error_description).toMatch(/project-scoped/);
    const granted = await requestToken(mixed, { resource: BILLING, scope: `billing:read ${project.scope}` });
    expect(granted.status).toBe(200);
    expect(decodeJwt(granted.body.access_token as string).payload).toMatchObject({ aud: BILLING, scope: `billing:read ${project.scope}`, project_id: project.id });
  });

  it("is refused by Gatehouse's own API: a token for an API is not a token for Gatehouse", async () => {
    const token = (await requestToken(mixed, { resource: ORDERS })).body.access_token as string;
    const response = await gatehouse.http().get('/api/v1/oauth/client').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/invalid_token/);
  });

  it('introspects an API token with its aud, for its own organization only, and revokes it', async () => {
    const token = (await requestToken(worker, { resource: ORDERS })).body.access_token as string;
    const active = await introspect(token);
    expect(active.body).toMatchObject({ active: true, aud: ORDERS, scope: 'orders:read', client_id: worker.client_id });
    const stranger = await createClientIn(gatehouse, other.name, { scopes: ['token:introspect'] });
    expect((await introspect(token, stranger)).body).toEqual({ active: false });
    const revoked = await gatehouse.http().post('/api/v1/oauth/revoke').set('Authorization', basic(worker)).type('form').send({ token });
    expect(revoked.status).toBe(200);
    expect((await introspect(token)).body).toEqual({ active: false });
  });

  it('answers inactive for the tokens of an API once it is deleted', async () => {
    const client = await createClientIn(gatehouse, acme.name, { scopes: ['billing:read'] });
    const shortLived = await registerApi(acme, { identifier: 'https://short.example.com', name: 'Short', scopes: [{ name: 'short:use', description: 'Use it' }] });
    await gatehouse.http().put(`/api/v1/oauth/client/${client.client_id}/scope`).set('Authorization', `Bearer ${await tokenFor(gatehouse, ROOT)}`).send(['billing:read', 'short:use']);
    const token = (await requestToken(client, { resource: 'https://short.example.com' })).body.access_token as string;
    expect((await introspect(token)).body).toMatchObject({ active: true, aud: 'https://short.example.com' });
    const deleted = await gatehouse.http().delete(`/api/v1/apis/${shortLived}`).set('Authorization', `Bearer ${await tokenFor(gatehouse, ROOT)}`);
    expect(deleted.status).toBe(204);
    expect((await introspect(token)).body).toEqual({ active: false });
    expect(ordersId).toBeDefined();
  });

  it("makes the organization's default API the target of a request naming none, one default at a time", async () => {
    const org = await createOrganization(gatehouse, { name: 'defaults', oauth_enabled: true });
    const asRoot = `Bearer ${await tokenFor(gatehouse, ROOT)}`;
    const first = await registerApi(org, { identifier: 'https://first.example.com', name: 'First', scopes: [{ name: 'first:use', description: 'Use the first' }], default: true });
    const second = await registerApi(org, { identifier: 'https://second.example.com', name: 'Second', scopes: [{ name: 'second:use', description: 'Use the second' }] });
    const client = await createClientIn(gatehouse, org.name, { scopes: ['first:use', 'second:use', 'client:read'] });
    expect(decodeJwt((await requestToken(client, {}, org)).body.access_token as string).payload).toMatchObject({ aud: 'https://first.example.com', scope: 'first:use' });
    // Asking for another API's scope, or naming it, still wins over the default.
    expect(decodeJwt((await requestToken(client, { scope: 'second:use' }, org)).body.access_token as string).payload.aud).toBe('https://second.example.com');

    const moved = await gatehouse.http().patch(`/api/v1/apis/${second}`).set('Authorization', asRoot).send({ default: true });
    expect(moved.status).toBe(200);
    expect(moved.body.default).toBe(true);
    expect((await gatehouse.http().get(`/api/v1/apis/${first}`).set('Authorization', asRoot)).body.default).toBe(false);
    expect(decodeJwt((await requestToken(client, {}, org)).body.access_token as string).payload).toMatchObject({ aud: 'https://second.example.com', scope: 'second:use' });
  });
});
