import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiDirectory } from '../src/apis/api-directory.js';
import { ScopeCatalog } from '../src/apis/scope-catalog.js';
import { ScopeRegistry } from '../src/access/scope-registry.js';
import { ChangeFeed } from '../src/change-feed/change-feed.js';
import { type TestApp, startApp } from './support/test-app.js';
import { type Credentials, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, realmToken, realmTokenRequest } from './support/tenants.js';
import { Browser, location } from './support/browser.js';
import { APP_REDIRECT, createUser } from './support/principals.js';

const APIS = '/api/v1/apis';
const ORDERS = 'https://orders.example.com';
const ORDERS_SCOPES = [
  { name: 'orders:read', description: 'Read your orders' },
  { name: 'orders:write', description: 'Place and change orders' },
];

interface Api {
  id: string;
  organization_id: string;
  identifier: string;
  name: string;
  scopes: { name: string; description: string }[];
  access_token_lifespan: number | null;
  signing_algorithm: string | null;
  require_project_scoped_tokens: boolean;
  created_at: string;
  updated_at: string;
}

interface AuditEvent {
  action: string;
  organization_id: string | null;
  target: { type: string; id: string };
  details: Record<string, unknown>;
}

describe('APIs (resource servers) and their scopes', () => {
  let gatehouse: TestApp;
  let root: string;
  let acme: { id: string };
  let globex: { id: string };
  /** administer-account in acme: holds api:* but none of the APIs' scopes. */
  let acmeAdmin: string;
  let globexAdmin: string;
  /** administer-clients in acme: no api:* scope. */
  let acmeClients: string;
  let serial = 0;

  const as = (token: string) => ({
    get: (path: string) => gatehouse.http().get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: unknown) => gatehouse.http().post(path).set('Authorization', `Bearer ${token}`).send(body as object),
    patch: (path: string, body: unknown) => gatehouse.http().patch(path).set('Authorization', `Bearer ${token}`).send(body as object),
    put: (path: string, body: unknown) => gatehouse.http().put(path).set('Authorization', `Bearer ${token}`).send(body as object),
    delete: (path: string) => gatehouse.http().delete(path).set('Authorization', `Bearer ${token}`),
  });

  /** A new API through `token` (its own organization unless `organization` says otherwise); fails the test unless 201. */
  async function createApi(token: string, body: Record<string, unknown> = {}): Promise<Api> {
    const n = ++serial;
    const response = await as(token).post(APIS, { identifier: `https://api-${n}.example.com`, name: `API ${n}`, scopes: [{ name: `api-${n}:read`, description: `Read API ${n}` }], ...body });
    if (response.status !== 201) throw new Error(`API creation: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as Api;
  }

  async function auditOf(token: string, targetId: string): Promise<AuditEvent[]> {
    const response = await as(token).get(`/api/v1/audit?limit=200&target=${encodeURIComponent(targetId)}`);
    expect(response.status).toBe(200);
    return (response.body as { events: AuditEvent[] }).events;
  }

  async function clientScopes(clientId: string): Promise<string[]> {
    const response = await as(root).get(`/api/v1/oauth/client/${clientId}/scope`);
    expect(response.status).toBe(200);
    return response.body as string[];
  }

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
    acme = await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true });
    globex = await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true });
    acmeAdmin = await realmToken(gatehouse, 'acme', await createClientIn(gatehouse, 'acme', { name: 'acme admin', permissions: ['administer-account'] }));
    globexAdmin = await realmToken(gatehouse, 'globex', await createClientIn(gatehouse, 'globex', { name: 'globex admin', permissions: ['administer-account'] }));
    acmeClients = await realmToken(gatehouse, 'acme', await createClientIn(gatehouse, 'acme', { name: 'acme clients', permissions: ['administer-clients'] }));
  });
  afterAll(() => gatehouse?.close());

  describe('management', () => {
    it('registers, lists, reads, changes and deletes an API of the caller\'s organization, each change audited', async () => {
      const created = await as(acmeAdmin).post(APIS, { identifier: 'https://crud.example.com/v1', name: 'CRUD API', scopes: [{ name: 'crud:read', description: 'Read things' }] });
      expect(created.status).toBe(201);
      const api = created.body as Api;
      expect(api).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        organization_id: acme.id,
        identifier: 'https://crud.example.com/v1',
        name: 'CRUD API',
        scopes: [{ name: 'crud:read', description: 'Read things' }],
        access_token_lifespan: null,
        signing_algorithm: null,
        require_project_scoped_tokens: false,
        default: false,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });

      const listed = await as(acmeAdmin).get(APIS);
      expect(listed.status).toBe(200);
      expect((listed.body as { items: Api[] }).items.map((item) => item.id)).toContain(api.id);
      expect((await as(acmeAdmin).get(`${APIS}/${api.id}`)).body).toEqual(api);

      const patched = await as(acmeAdmin).patch(`${APIS}/${api.id}`, { name: 'Renamed', access_token_lifespan: 600, signing_algorithm: 'ES256', require_project_scoped_tokens: true });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'Renamed', identifier: 'https://crud.example.com/v1', scopes: api.scopes, access_token_lifespan: 600, signing_algorithm: 'ES256', require_project_scoped_tokens: true });
      // null puts a setting back to the default.
      const cleared = await as(acmeAdmin).patch(`${APIS}/${api.id}`, { access_token_lifespan: null, signing_algorithm: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ name: 'Renamed', access_token_lifespan: null, signing_algorithm: null });

      expect((await as(acmeAdmin).delete(`${APIS}/${api.id}`)).status).toBe(204);
      expect((await as(acmeAdmin).get(`${APIS}/${api.id}`)).status).toBe(404);
      expect((await as(acmeAdmin).delete(`${APIS}/${api.id}`)).status).toBe(404);

      const events = await auditOf(acmeAdmin, api.id);
      expect(events.map((event) => event.action).sort()).toEqual(['api.created', 'api.deleted', 'api.updated', 'api.updated']);
      for (const event of events) expect(event).toMatchObject({ organization_id: acme.id, target: { type: 'api', id: api.id } });
      expect(events.find((event) => event.action === 'api.created')!.details).toEqual({ identifier: 'https://crud.example.com/v1', name: 'CRUD API', scopes: ['crud:read'] });
    });

    it('keeps every setting given at creation', async () => {
      const api = await createApi(acmeAdmin, { access_token_lifespan: 3600, signing_algorithm: 'ES256', require_project_scoped_tokens: true });
      expect(api).toMatchObject({ access_token_lifespan: 3600, signing_algorithm: 'ES256', require_project_scoped_tokens: true });
    });

    it('stores the identifier exactly as given: a URN, a path, a query and upper case are kept', async () => {
      for (const identifier of ['urn:acme:orders', 'https://Orders.Example.com:8443/API/v2?tenant=x', 'http://localhost:9000']) {
        expect((await createApi(acmeAdmin, { identifier })).identifier).toBe(identifier);
      }
    });

    it.each([
      ['a relative reference', 'orders.example.com/api'],
      ['a path without a scheme', '/api/orders'],
      ['a fragment', 'https://orders.example.com/#v1'],
      ['an empty fragment', 'https://orders.example.com/#'],
      ['a leading space', ' https://orders.example.com'],
      ['a trailing space', 'https://orders.example.com '],
      ['a tab inside', 'https://orders.\texample.com'],
      ['a newline inside', 'https://orders.example.com/\n'],
      ['a backslash', 'https:\\\\orders.example.com'],
      ['non-ASCII characters', 'https://bücher.example.com'],
      ['no host where the scheme needs one', 'https://'],
      ['more than 255 characters', `https://example.com/${'a'.repeat(236)}`],
      ['the empty string', ''],
      ['a number', 42],
      ['null', null],
    ])('refuses an identifier with %s (400)', async (_what, identifier) => {
      const response = await as(acmeAdmin).post(APIS, { identifier, name: 'Bad', scopes: [] });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('identifier must be an absolute URI') });
    });

    it('accepts an identifier of exactly 255 characters', async () => {
      const identifier = `https://example.com/${'a'.repeat(235)}`;
      expect(identifier).toHaveLength(255);
      expect((await createApi(acmeAdmin, { identifier })).identifier).toBe(identifier);
    });

    it.each([
      ['a name with a space', [{ name: 'orders read', description: 'x' }], 'scope token'],
      ['a name with a quote', [{ name: 'orders"read', description: 'x' }], 'scope token'],
      ['an empty name', [{ name: '', description: 'x' }], 'scope token'],
      ['a name of 129 characters', [{ name: 'a'.repeat(129), description: 'x' }], 'name must be shorter than or equal to 128 characters'],
      ['no description', [{ name: 'things:read' }], 'description'],
      ['an empty description', [{ name: 'things:read', description: '' }], 'description must be longer than or equal to 1 characters'],
      ['a description of 301 characters', [{ name: 'things:read', description: 'd'.repeat(301) }], 'description must be shorter than or equal to 300 characters'],
      ['an unknown field', [{ name: 'things:read', description: 'x', admin: true }], 'should not exist'],
      ['a bare string', ['things:read'], 'scopes'],
      ['the same name twice', [{ name: 'twice:read', description: 'a' }, { name: 'twice:read', description: 'b' }], 'An API cannot define a scope twice: twice:read'],
      ["one of Gatehouse's scopes", [{ name: 'client:read', description: 'x' }], "Gatehouse's own or OpenID Connect's"],
      ['openid', [{ name: 'openid', description: 'x' }], "Gatehouse's own or OpenID Connect's"],
      ['offline_access', [{ name: 'offline_access', description: 'x' }], "Gatehouse's own or OpenID Connect's"],
      ['a project scope', [{ name: 'project-1234', description: 'x' }], 'project-*'],
    ])('refuses scopes with %s (400)', async (_what, scopes, message) => {
      const response = await as(acmeAdmin).post(APIS, { identifier: `https://bad-${++serial}.example.com`, name: 'Bad', scopes });
      expect(response.status).toBe(400);
      expect(String((response.body as { message: string }).message)).toContain(message);
    });

    it('accepts a scope name of 128 characters and a description of 300', async () => {
      const scope = { name: 'n'.repeat(128), description: 'd'.repeat(300) };
      expect((await createApi(acmeAdmin, { scopes: [scope] })).scopes).toEqual([scope]);
    });

    it.each([
      ['a lifespan of 0', { access_token_lifespan: 0 }],
      ['a lifespan over a day', { access_token_lifespan: 86401 }],
      ['a fractional lifespan', { access_token_lifespan: 1.5 }],
      ['an algorithm the server does not sign with', { signing_algorithm: 'RS256' }],
      ['an algorithm Gatehouse does not know', { signing_algorithm: 'HS256' }],
      ['a name of null', { name: null }],
      ['an empty name', { name: '' }],
      ['require_project_scoped_tokens as a string', { require_project_scoped_tokens: 'yes' }],
      ['an unknown field', { audience: 'x' }],
    ])('refuses %s (400), at creation and in a change', async (_what, body) => {
      expect((await as(acmeAdmin).post(APIS, { identifier: `https://bad-${++serial}.example.com`, name: 'Bad', scopes: [], ...body })).status).toBe(400);
      const api = await createApi(acmeAdmin);
      expect((await as(acmeAdmin).patch(`${APIS}/${api.id}`, body)).status).toBe(400);
    });

    it('answers 400 for an id that is not a UUID', async () => {
      expect((await as(acmeAdmin).get(`${APIS}/not-a-uuid`)).status).toBe(400);
    });

    it('refuses a second API with the same identifier in one organization (409), not in another', async () => {
      await createApi(acmeAdmin, { identifier: 'https://twice.example.com' });
      const again = await as(acmeAdmin).post(APIS, { identifier: 'https://twice.example.com', name: 'Again', scopes: [] });
      expect(again.status).toBe(409);
      expect((again.body as { message: string }).message).toContain('https://twice.example.com');
      await createApi(globexAdmin, { identifier: 'https://twice.example.com' });
      // Identifiers are exact: another case or a trailing slash is another API.
      await createApi(acmeAdmin, { identifier: 'https://TWICE.example.com' });
      await createApi(acmeAdmin, { identifier: 'https://twice.example.com/' });
      const other = await createApi(acmeAdmin);
      expect((await as(acmeAdmin).patch(`${APIS}/${other.id}`, { identifier: 'https://twice.example.com' })).status).toBe(409);
    });

    it("refuses a scope another API of the organization defines (409 naming it), but not another organization's", async () => {
      await createApi(acmeAdmin, { identifier: 'https://owner.example.com', scopes: [{ name: 'shared:read', description: 'Read' }] });
      const clash = await as(acmeAdmin).post(APIS, { identifier: 'https://clash.example.com', name: 'Clash', scopes: [{ name: 'mine:read', description: 'x' }, { name: 'shared:read', description: 'x' }] });
      expect(clash.status).toBe(409);
      expect((clash.body as { message: string }).message).toBe('Scopes are defined by another API of the organization already: shared:read (defined by https://owner.example.com)');
      await createApi(globexAdmin, { scopes: [{ name: 'shared:read', description: 'Read' }] });
      const other = await createApi(acmeAdmin);
      expect((await as(acmeAdmin).patch(`${APIS}/${other.id}`, { scopes: [{ name: 'shared:read', description: 'x' }] })).status).toBe(409);
      // An API may of course keep its own scopes in a change.
      const owner = (await as(acmeAdmin).get(APIS)).body as { items: Api[] };
      const ownerId = owner.items.find((item) => item.identifier === 'https://owner.example.com')!.id;
      expect((await as(acmeAdmin).patch(`${APIS}/${ownerId}`, { scopes: [{ name: 'shared:read', description: 'Read, reworded' }] })).status).toBe(200);
    });

    it("answers 404 for another organization's API, as for a missing one, and lists only the caller's", async () => {
      const api = await createApi(acmeAdmin);
      expect((await as(globexAdmin).get(`${APIS}/${api.id}`)).status).toBe(404);
      expect((await as(globexAdmin).patch(`${APIS}/${api.id}`, { name: 'Stolen' })).status).toBe(404);
      expect((await as(globexAdmin).delete(`${APIS}/${api.id}`)).status).toBe(404);
      const globexList = (await as(globexAdmin).get(APIS)).body as { items: Api[] };
      expect(globexList.items.every((item) => item.organization_id === globex.id)).toBe(true);
      // Naming another organization is the root client's alone.
      expect((await as(globexAdmin).post(APIS, { organization: 'acme', identifier: 'https://x.example.com', name: 'X', scopes: [] })).status).toBe(404);
      expect((await as(acmeAdmin).get(`${APIS}/${api.id}`)).status).toBe(200);
    });

    it('lets the root client register an API in any organization, the built-in one included, and list them all', async () => {
      const inAcme = await createApi(root, { organization: 'acme' });
      expect(inAcme.organization_id).toBe(acme.id);
      const builtIn = await createApi(root);
      expect(builtIn.organization_id).not.toBe(acme.id);
      const all = (await as(root).get(`${APIS}?size=100`)).body as { items: Api[]; total: number };
      expect(all.items.map((item) => item.id)).toEqual(expect.arrayContaining([inAcme.id, builtIn.id]));
      expect(new Set(all.items.map((item) => item.organization_id)).size).toBeGreaterThanOrEqual(3);
      expect((await as(root).post(APIS, { organization: 'nowhere', identifier: 'https://x.example.com', name: 'X', scopes: [] })).status).toBe(404);
    });

    it('refuses callers without the api scopes (403)', async () => {
      const api = await createApi(acmeAdmin);
      expect((await as(acmeClients).get(APIS)).status).toBe(403);
      expect((await as(acmeClients).get(`${APIS}/${api.id}`)).status).toBe(403);
      expect((await as(acmeClients).post(APIS, { identifier: 'https://x.example.com', name: 'X', scopes: [] })).status).toBe(403);
      expect((await as(acmeClients).patch(`${APIS}/${api.id}`, { name: 'X' })).status).toBe(403);
      expect((await as(acmeClients).delete(`${APIS}/${api.id}`)).status).toBe(403);
      expect((await gatehouse.http().get(APIS)).status).toBe(401);
    });
  });

  describe("an API's scopes across Gatehouse", () => {
    beforeAll(async () => {
      await createApi(acmeAdmin, { identifier: ORDERS, name: 'Orders', scopes: ORDERS_SCOPES });
    });

    it('are what the ScopeCatalog and the ApiDirectory answer with, per organization (what roles and token issuance ask)', async () => {
      const catalog = gatehouse.app.get(ScopeCatalog);
      const builtIn = gatehouse.app.get(ScopeRegistry).all().map(({ name, description }) => ({ name, description }));
      expect(await catalog.all(undefined)).toEqual(builtIn);
      expect(await catalog.all(acme.id)).toEqual(expect.arrayContaining([...builtIn, { name: 'orders:read', description: 'Read your orders', api: ORDERS }]));
      expect((await catalog.all(globex.id)).some((scope) => scope.name === 'orders:read')).toBe(false);
      expect(await catalog.unknown(acme.id, ['orders:read', 'client:read', 'openid', 'orders:nope'])).toEqual(['orders:nope']);
      expect(await catalog.unknown(globex.id, ['orders:read', 'client:read'])).toEqual(['orders:read']);
      expect(await catalog.describe(acme.id, ['orders:write', 'client:read', 'orders:nope'])).toEqual([
        { name: 'orders:write', description: 'Place and change orders', api: ORDERS },
        { name: 'client:read', description: builtIn.find((scope) => scope.name === 'client:read')!.description },
        { name: 'orders:nope', description: 'orders:nope' },
      ]);
      expect((await catalog.apiOfScope(acme.id, 'orders:read'))?.identifier).toBe(ORDERS);
      expect(await catalog.apiOfScope(acme.id, 'client:read')).toBeUndefined();
      expect(await catalog.apiOfScope(globex.id, 'orders:read')).toBeUndefined();

      const directory = gatehouse.app.get(ApiDirectory);
      expect(await directory.byIdentifier(acme.id, ORDERS)).toEqual({
        id: expect.any(String),
        organizationId: acme.id,
        identifier: ORDERS,
        name: 'Orders',
        scopes: ORDERS_SCOPES,
        accessTokenLifespanSeconds: null,
        signingAlgorithm: null,
        requireProjectScopedTokens: false,
        isDefault: false,
        createdAt: expect.any(Number),
      });
      expect(await directory.byIdentifier(acme.id, `${ORDERS}/`)).toBeUndefined();
      expect(await directory.byIdentifier(globex.id, ORDERS)).toBeUndefined();
      expect((await directory.ofOrganization(acme.id)).map((api) => api.identifier)).toContain(ORDERS);
      expect(await directory.ofOrganization('no-such-organization')).toEqual([]);
    });

    it("can be given to the organization's clients by whoever administers its APIs, and to no other organization's", async () => {
      const client = await createClientIn(gatehouse, 'acme', { scopes: ['orders:read', 'scope:read'] });
      expect(await clientScopes(client.client_id)).toEqual(['orders:read', 'scope:read']);
      // Unknown in globex, which has no such API.
      const elsewhere = await as(root).post('/api/v1/oauth/client', { organization: 'globex', scopes: ['orders:read'] });
      expect(elsewhere.status).toBe(400);
      expect((elsewhere.body as { message: string }).message).toBe('Unknown scopes: orders:read');
      // The organization's administrator holds api:update: whoever defines an API's scopes decides who holds them.
      const byAdmin = await as(acmeAdmin).post('/api/v1/oauth/client', { scopes: ['orders:read'] });
      expect(byAdmin.status).toBe(201);
      expect((await as(acmeAdmin).put(`/api/v1/oauth/client/${(byAdmin.body as Credentials).client_id}/scope`, ['orders:read', 'orders:write'])).status).toBe(200);
      expect((await as(acmeAdmin).put(`/api/v1/oauth/client/${(byAdmin.body as Credentials).client_id}`, { scopes: ['orders:nope'] })).status).toBe(400);
      // A client administrator that does not administer the APIs cannot, even if its own client
      // holds the scopes: its tokens for Gatehouse do not carry another API's scopes.
      const clientAdmin = await createClientIn(gatehouse, 'acme', { permissions: ['administer-clients'], scopes: ['orders:read', 'orders:write'] });
      const clientAdminToken = await realmToken(gatehouse, 'acme', clientAdmin);
      const refused = await as(clientAdminToken).post('/api/v1/oauth/client', { scopes: ['orders:write'] });
      expect(refused.status).toBe(403);
      expect((refused.body as { message: string }).message).toBe('You cannot assign scopes you do not hold: orders:write');
      // Nor act on a client holding them.
      expect((await as(clientAdminToken).put(`/api/v1/oauth/client/${(byAdmin.body as Credentials).client_id}`, { name: 'renamed' })).status).toBe(403);
    });

    it("count as held by the API's administrator as soon as they are added, with the token it already has", async () => {
      const stock = `stock${++serial}`;
      const api = await createApi(acmeAdmin, { identifier: `https://${stock}.example.com`, name: 'Inventory', scopes: [{ name: `${stock}:read`, description: 'Read stock' }] });
      const client = await as(acmeAdmin).post('/api/v1/oauth/client', { scopes: [`${stock}:read`] });
      expect(client.status).toBe(201);
      const scopePath = `/api/v1/oauth/client/${(client.body as Credentials).client_id}/scope`;
      expect((await as(acmeAdmin).put(scopePath, [`${stock}:read`, `${stock}:write`])).status).toBe(400);
      expect((await as(acmeAdmin).patch(`/api/v1/apis/${api.id}`, { scopes: [...api.scopes, { name: `${stock}:write`, description: 'Change stock' }] })).status).toBe(200);
      expect((await as(acmeAdmin).put(scopePath, [`${stock}:read`, `${stock}:write`])).status).toBe(200);
    });

    it('are requestable with client_credentials at the realm, not refused as unknown', async () => {
      const client = await createClientIn(gatehouse, 'acme', { scopes: ['orders:read'] });
      const response = await realmTokenRequest(gatehouse, 'acme', client, 'orders:read');
      expect(response.status).toBe(200);
      expect((response.body as { scope: string }).scope).toBe('orders:read');
    });

    it('are listed by GET /api/v1/oauth/scope, marked with their API, for their own organization only', async () => {
      const listed = (await as(acmeAdmin).get('/api/v1/oauth/scope')).body as { name: string; description: string; api?: string }[];
      expect(listed).toEqual(expect.arrayContaining([{ name: 'orders:read', description: 'Read your orders', api: ORDERS }, { name: 'orders:write', description: 'Place and change orders', api: ORDERS }]));
      // Gatehouse's own scopes keep their shape: no `api`.
      expect(listed.find((scope) => scope.name === 'client:read')).toEqual({ name: 'client:read', description: expect.any(String) });
      const inGlobex = (await as(globexAdmin).get('/api/v1/oauth/scope')).body as { name: string; api?: string }[];
      expect(inGlobex.some((scope) => scope.api === ORDERS)).toBe(false);
      expect(inGlobex.some((scope) => scope.name === 'client:read')).toBe(true);
    });

    it("are published in the realm's scopes_supported, and not in another realm's or the server's", async () => {
      const acmeDiscovery = (await gatehouse.http().get('/auth/realms/acme/.well-known/openid-configuration').expect(200)).body as { scopes_supported: string[] };
      expect(acmeDiscovery.scopes_supported).toEqual(expect.arrayContaining(['openid', 'client:read', 'orders:read', 'orders:write']));
      const globexDiscovery = (await gatehouse.http().get('/auth/realms/globex/.well-known/openid-configuration').expect(200)).body as { scopes_supported: string[] };
      expect(globexDiscovery.scopes_supported).not.toContain('orders:read');
      expect(globexDiscovery.scopes_supported).toContain('client:read');
      const serverDiscovery = (await gatehouse.http().get('/.well-known/openid-configuration').expect(200)).body as { scopes_supported: string[] };
      expect(serverDiscovery.scopes_supported).not.toContain('orders:read');
    });

    it('are shown on the consent page in their own words', async () => {
      const person = { email: 'orders-admin@acme.test', password: 'orders admin passphrase' };
      await createUser(gatehouse, person, 'acme', 'administer-account');
      const app = await createClientIn(gatehouse, 'acme', { name: 'Order desk', redirect_uris: [APP_REDIRECT], scopes: ['orders:read', 'orders:write', 'scope:read'] });
      const browser = new Browser(gatehouse);
      // An organization token's consent page shows every scope the app asks for.
      const params = { response_type: 'code', client_id: app.client_id, scope: 'orders:read orders:write scope:read', state: 'st', sub_type: 'organization' };
      const path = '/auth/realms/acme/protocol/openid-connect/auth';
      const first = await browser.authorize(params, path);
      expect(first.status).toBe(302);
      const signedIn = await browser.signIn(location(first).searchParams.get('return_to')!, person.email, person.password);
      expect(signedIn.status).toBe(303);
      const page = await browser.agent.get(signedIn.headers.location!);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Read your orders');
      expect(page.text).toContain('Place and change orders');
      expect(page.text).toContain('<code class="token">orders:read</code>');
    });

    it('taken out of an API are taken from every client holding them, audited, by whoever administers the API', async () => {
      const api = await createApi(acmeAdmin, { scopes: [{ name: 'stock:read', description: 'Read stock' }, { name: 'stock:write', description: 'Change stock' }] });
      const holder = await createClientIn(gatehouse, 'acme', { scopes: ['stock:read', 'stock:write', 'scope:read'] });
      const bystander = await createClientIn(gatehouse, 'acme', { scopes: ['scope:read'] });

      // acme's administrator administers the API (api:update): it decides who holds its scopes, so it may take them away.
      const removed = await as(acmeAdmin).patch(`${APIS}/${api.id}`, { scopes: [{ name: 'stock:read', description: 'Read stock' }] });
      expect(removed.status).toBe(200);
      expect(await clientScopes(holder.client_id)).toEqual(['stock:read', 'scope:read']);
      expect(await clientScopes(bystander.client_id)).toEqual(['scope:read']);
      const events = await auditOf(root, holder.client_id);
      expect(events.find((event) => event.action === 'client.scopes_changed')!.details).toEqual({ previous: ['stock:read', 'stock:write', 'scope:read'], scopes: ['stock:read', 'scope:read'], reason: 'api_scopes_removed' });
      expect((await auditOf(root, api.id)).find((event) => event.action === 'api.updated')!.details).toMatchObject({ scopes: ['stock:read'], removed_scopes: ['stock:write'] });
      expect((await auditOf(root, bystander.client_id)).filter((event) => event.action === 'client.scopes_changed')).toEqual([]);

      // A scope nobody holds goes freely; so does an API whose scopes nobody holds.
      const unheld = await createApi(acmeAdmin, { scopes: [{ name: 'unheld:read', description: 'x' }] });
      expect((await as(acmeAdmin).patch(`${APIS}/${unheld.id}`, { scopes: [] })).status).toBe(200);
      expect((await as(acmeAdmin).delete(`${APIS}/${unheld.id}`)).status).toBe(204);

      expect((await as(acmeAdmin).delete(`${APIS}/${api.id}`)).status).toBe(204);
      expect(await clientScopes(holder.client_id)).toEqual(['scope:read']);
      // The deleted scope is unknown again: nobody can hand it out, and the client cannot ask for it.
      expect((await as(root).put(`/api/v1/oauth/client/${holder.client_id}/scope`, ['stock:read'])).status).toBe(400);
      expect((await realmTokenRequest(gatehouse, 'acme', holder, 'stock:read')).status).toBe(400);
    });
  });
});

describe('APIs seen by a second instance on the same database', () => {
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    const env = { CLIENT_CACHE_TTL_SECONDS: '3600' };
    first = await startApp({ env });
    second = await startApp({ env, databaseUrl: first.databaseUrl });
    // Its poll timer stopped: the test polls when it chooses (see cross-instance.e2e-spec.ts).
    await second.app.get(ChangeFeed).onApplicationShutdown();
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it("learns of a new API's scopes and of its deletion at its next change-feed poll", async () => {
    await createOrganization(first, { name: 'acme', oauth_enabled: true });
    const root = await tokenFor(first, ROOT);
    const secondRoot = await tokenFor(second, ROOT);
    const knows = async () => {
      const response = await second.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${secondRoot}`).send({ organization: 'acme', scopes: ['feed:read'] });
      return response.status === 201;
    };
    // The second instance has cached acme's APIs (none).
    expect(await knows()).toBe(false);
    const created = await first.http().post(APIS).set('Authorization', `Bearer ${root}`).send({ organization: 'acme', identifier: 'https://feed.example.com', name: 'Feed', scopes: [{ name: 'feed:read', description: 'Read the feed' }] });
    expect(created.status).toBe(201);
    expect(await knows()).toBe(false);
    await second.app.get(ChangeFeed).poll();
    expect(await knows()).toBe(true);

    expect((await first.http().delete(`${APIS}/${(created.body as Api).id}`).set('Authorization', `Bearer ${root}`)).status).toBe(204);
    expect(await knows()).toBe(true);
    await second.app.get(ChangeFeed).poll();
    expect(await knows()).toBe(false);
  });
});
