import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PERMISSIONS } from '../src/scopes/permissions.js';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, type Credentials, ROOT, tokenFor } from './support/oauth.js';
import { addMembership, APP_REDIRECT, createUser, userTokens } from './support/principals.js';
import { createClientIn, createOrganization, createProject, realmToken, realmTokenRequest } from './support/tenants.js';

const ADMINISTER_ACCOUNT_SCOPES = PERMISSIONS.find((permission) => permission.name === 'administer-account')!.scopes;

/** The attacks the outside review reproduced, each against the rule of the access policy that stops it. */
describe('the access policy against the reviewed attacks', () => {
  let gatehouse: TestApp;
  let root: string;
  let acme: { id: string };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
    acme = await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true, require_project_scoped_tokens: false });
    await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true });
  });
  afterAll(() => gatehouse.close());

  describe('nobody acts on a client that holds more than they do', () => {
    let admin: Credentials;
    let clientsToken: string;

    beforeAll(async () => {
      admin = await createClientIn(gatehouse, 'acme', { name: 'account admin', permissions: ['administer-account'] });
      const clientAdmin = await createClientIn(gatehouse, 'acme', { name: 'client admin', permissions: ['administer-clients'] });
      clientsToken = await realmToken(gatehouse, 'acme', clientAdmin);
    });

    it.each([
      ['regenerate its secret', 'post', (id: string) => `/api/v1/oauth/client/${id}/secret`, undefined],
      ['disable it', 'put', (id: string) => `/api/v1/oauth/client/${id}`, { disabled: true }],
      ['strip its permissions', 'put', (id: string) => `/api/v1/oauth/client/${id}/permissions`, []],
      ['change its scopes', 'put', (id: string) => `/api/v1/oauth/client/${id}/scope`, ['scope:read']],
      ['push its not-before', 'post', (id: string) => `/api/v1/oauth/client/${id}/not-before`, undefined],
      ['issue a token for it', 'post', (id: string) => `/api/v1/oauth/client/${id}/token`, {}],
      ['clear its lockout', 'delete', (id: string) => `/api/v1/oauth/client/${id}/lockout`, undefined],
      ['delete it', 'delete', (id: string) => `/api/v1/oauth/client/${id}`, undefined],
    ] as const)('an administer-clients client cannot %s when it holds administer-account', async (_what, method, path, body) => {
      const request = gatehouse.http()[method](path(admin.client_id)).set(bearer(clientsToken));
      const response = body === undefined ? await request : await request.send(body as object);
      expect(response.status).toBe(403);
      expect(response.body.message).toContain('it holds scopes you do not hold');
      // The target is untouched: its secret still gets a token holding everything it held.
      const token = await realmTokenRequest(gatehouse, 'acme', admin);
      expect(token.status).toBe(200);
      expect(token.body.scope.split(' ')).toEqual(expect.arrayContaining(['user:update', 'audit:read', 'organization:update']));
    });

    it('the same client may still manage a client holding no more than it does', async () => {
      const lesser = await createClientIn(gatehouse, 'acme', { name: 'reader', scopes: ['scope:read'] });
      const regenerated = await gatehouse.http().post(`/api/v1/oauth/client/${lesser.client_id}/secret`).set(bearer(clientsToken));
      expect(regenerated.status).toBe(200);
      expect((await gatehouse.http().put(`/api/v1/oauth/client/${lesser.client_id}`).set(bearer(clientsToken)).send({ disabled: true })).status).toBe(200);
    });

    it('nobody grants a permission or scope beyond their own, whatever the route', async () => {
      const lesser = await createClientIn(gatehouse, 'acme', { name: 'victim', scopes: ['scope:read'] });
      expect((await gatehouse.http().put(`/api/v1/oauth/client/${lesser.client_id}/permissions`).set(bearer(clientsToken)).send(['administer-account'])).status).toBe(403);
      expect((await gatehouse.http().put(`/api/v1/oauth/client/${lesser.client_id}/scope`).set(bearer(clientsToken)).send(['audit:read'])).status).toBe(403);
      expect((await gatehouse.http().post('/api/v1/oauth/client').set(bearer(clientsToken)).send({ scopes: [], permissions: ['administer-account'] })).status).toBe(403);
    });
  });

  describe("account-wide changes to a user need authority over every organization they belong to", () => {
    const shared = { email: 'shared@example.com', password: 'shared user passphrase' };
    let sharedId: string;
    let acmeAdmin: string;

    beforeAll(async () => {
      sharedId = await createUser(gatehouse, shared, 'acme', 'member');
      await addMembership(gatehouse, sharedId, 'globex', 'administer-account');
      acmeAdmin = await realmToken(gatehouse, 'acme', await createClientIn(gatehouse, 'acme', { name: 'acme admin', permissions: ['administer-account'] }));
    });

    it.each([
      ['set their password', { password: 'attacker chosen password' }],
      ['disable them', { disabled: true }],
      ['rename them', { name: 'Mallory' }],
    ])("org A's administrator cannot %s when they administer org B", async (_what, body) => {
      const response = await gatehouse.http().patch(`/api/v1/users/${sharedId}`).set(bearer(acmeAdmin)).send(body);
      expect(response.status).toBe(403);
      expect(response.body.message).toContain('they belong to an organization where you do not hold every scope of their role');
    });

    it('their password still works and the account is unchanged; the root client can change it', async () => {
      const user = await gatehouse.http().get(`/api/v1/users/${sharedId}`).set(bearer(root));
      expect(user.body).toMatchObject({ disabled: false });
      expect(user.body.name ?? null).toBeNull();
      const app = await createClient(gatehouse, { name: 'Portal', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid'] });
      await expect(userTokens(gatehouse, { clientId: app.client_id, scope: 'openid', person: shared })).resolves.toHaveProperty('access_token');
      expect((await gatehouse.http().patch(`/api/v1/users/${sharedId}`).set(bearer(root)).send({ name: 'Shared' })).status).toBe(200);
    });

    it('a user who administers both organizations may change the account, with a token of either', async () => {
      const boss = { email: 'boss@example.com', password: 'boss user passphrase' };
      const bossId = await createUser(gatehouse, boss, 'acme', 'administer-account');
      await addMembership(gatehouse, bossId, 'globex', 'administer-account');
      // The account-wide change needs, in globex, every scope of the user's role there: the token must carry them.
      const scopes = ADMINISTER_ACCOUNT_SCOPES;
      const app = await createClientIn(gatehouse, 'acme', { name: 'Admin app', public: true, redirect_uris: [APP_REDIRECT], scopes });
      const narrow = await userTokens(gatehouse, { clientId: app.client_id, scope: 'user:update user:read', person: boss, realm: 'acme' });
      expect((await gatehouse.http().patch(`/api/v1/users/${sharedId}`).set(bearer(narrow.access_token)).send({ name: 'Renamed by boss' })).status).toBe(403);
      const tokens = await userTokens(gatehouse, { clientId: app.client_id, scope: scopes.join(' '), person: boss, realm: 'acme' });
      const response = await gatehouse.http().patch(`/api/v1/users/${sharedId}`).set(bearer(tokens.access_token)).send({ name: 'Renamed by boss' });
      expect(response.status).toBe(200);
      expect(response.body.name).toBe('Renamed by boss');
    });

    it("the organization's role of the user stays the organization's: A's administrator may change it in A", async () => {
      const response = await gatehouse.http().patch(`/api/v1/users/${sharedId}`).set(bearer(acmeAdmin)).send({ role: 'administer-clients' });
      expect(response.status).toBe(200);
      expect(response.body.memberships).toEqual([{ organization_id: acme.id, role: 'administer-clients', status: 'active' }]);
    });
  });

  it("an organization token carries what the user's role gave, never the app's permissions", async () => {
    const lumbergh = { email: 'lumbergh@example.com', password: 'lumbergh passphrase' };
    await createUser(gatehouse, lumbergh, 'globex', 'administer-clients');
    // An app of the built-in organization holding administer-account.
    const app = await createClient(gatehouse, { name: 'Integrations', public: false, redirect_uris: [APP_REDIRECT], permissions: ['administer-account'], scopes: [] });
    const tokens = await userTokens(gatehouse, {
      clientId: app.client_id,
      clientSecret: app.client_secret,
      scope: 'client:create client:read client:update client:delete scope:read organization:update user:update',
      person: lumbergh,
      organization: 'globex',
    });
    expect(tokens.scope.split(' ').sort()).toEqual(['client:create', 'client:delete', 'client:read', 'client:update', 'scope:read']);
    const escalated = await gatehouse.http().post('/api/v1/oauth/client').set(bearer(tokens.access_token)).send({ scopes: [], permissions: ['administer-account'] });
    expect(escalated.status).toBe(403);
    const scoped = await gatehouse.http().post('/api/v1/oauth/client').set(bearer(tokens.access_token)).send({ scopes: ['organization:update'] });
    expect(scoped.status).toBe(403);
    // What the user's role does give, the token may hand on.
    const allowed = await gatehouse.http().post('/api/v1/oauth/client').set(bearer(tokens.access_token)).send({ scopes: ['client:read'], permissions: ['administer-clients'] });
    expect(allowed.status).toBe(201);
  });

  describe('a project-scoped token reaches its own project only, on every route', () => {
    let own: { id: string; scope: string };
    let sibling: { id: string };
    let projectToken: string;

    beforeAll(async () => {
      own = await createProject(gatehouse, 'acme', 'own');
      sibling = await createProject(gatehouse, 'acme', 'sibling');
      const client = await createClientIn(gatehouse, 'acme', { name: 'projects', permissions: ['administer-account'], scopes: ['table:read'] });
      projectToken = await realmToken(gatehouse, 'acme', client, own.scope);
    });

    it.each([
      ['get', undefined],
      ['put', { name: 'taken over' }],
      ['delete', undefined],
    ] as const)('%s on a sibling project through the projects API is refused', async (method, body) => {
      const request = gatehouse.http()[method](`/api/v1/organizations/acme/projects/${sibling.id}`).set(bearer(projectToken));
      const response = body === undefined ? await request : await request.send(body);
      expect(response.status).toBe(403);
      expect(response.body.message).toBe(`This access token is scoped to project ${own.id}, not ${sibling.id}`);
      expect((await gatehouse.http().get(`/api/v1/organizations/acme/projects/${sibling.id}`).set(bearer(root))).body.name).toBe('sibling');
    });

    it('lists its own project only, reads it, and cannot create projects or reach organization-wide routes', async () => {
      const listed = await gatehouse.http().get('/api/v1/organizations/acme/projects').set(bearer(projectToken));
      expect(listed.status).toBe(200);
      expect(listed.body.map((project: { id: string }) => project.id)).toEqual([own.id]);
      expect((await gatehouse.http().get(`/api/v1/organizations/acme/projects/${own.id}`).set(bearer(projectToken))).status).toBe(200);
      for (const [method, path] of [
        ['post', '/api/v1/organizations/acme/projects'],
        ['get', '/api/v1/oauth/client'],
        ['get', '/api/v1/users'],
        ['get', '/api/v1/organizations/acme'],
        ['get', '/api/v1/audit'],
      ] as const) {
        const response = await gatehouse.http()[method](path).set(bearer(projectToken)).send({ name: 'x' });
        expect([path, response.status, response.body.message]).toEqual([path, 403, `This access token is scoped to project ${own.id}: it reaches that project's resources only. Use an organization token for this request`]);
      }
    });
  });

  it("the root client is missing to everyone else, on every client route, as GET answers", async () => {
    const builtInAdmin = await tokenFor(gatehouse, await createClient(gatehouse, { name: 'built-in admin', permissions: ['administer-account'], scopes: [] }));
    for (const [method, path] of [
      ['get', ''],
      ['put', ''],
      ['post', '/secret'],
      ['post', '/not-before'],
      ['delete', '/lockout'],
      ['delete', ''],
    ] as const) {
      const response = await gatehouse.http()[method](`/api/v1/oauth/client/${ROOT.client_id}${path}`).set(bearer(builtInAdmin)).send({});
      expect([method, path, response.status, response.body.message]).toEqual([method, path, 404, `No client with id ${ROOT.client_id}`]);
    }
    // The root client itself is told why it cannot change itself.
    expect((await gatehouse.http().put(`/api/v1/oauth/client/${ROOT.client_id}`).set(bearer(root)).send({ name: 'x' })).status).toBe(403);
  });

  it('a not-before push or turning OAuth off needs everything anyone in the organization holds', async () => {
    await createOrganization(gatehouse, { name: 'initech', oauth_enabled: true });
    const admin = await createClientIn(gatehouse, 'initech', { name: 'initech admin', permissions: ['administer-account'] });
    const reader = await createClientIn(gatehouse, 'initech', { name: 'reader', scopes: ['scope:read'] });
    const adminToken = await realmToken(gatehouse, 'initech', admin);
    expect((await gatehouse.http().post('/api/v1/organizations/initech/not-before').set(bearer(adminToken))).status).toBe(200);
    // A client holding more than the administrator joins: now only the root client may.
    await createClientIn(gatehouse, 'initech', { name: 'tables', scopes: ['table:read'] });
    const again = await realmToken(gatehouse, 'initech', admin);
    const refused = await gatehouse.http().post('/api/v1/organizations/initech/not-before').set(bearer(again));
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('hold scopes you do not hold: table:read');
    expect((await gatehouse.http().put('/api/v1/organizations/initech').set(bearer(again)).send({ oauth_enabled: false })).status).toBe(403);
    expect((await realmTokenRequest(gatehouse, 'initech', reader)).status).toBe(200);
    expect((await gatehouse.http().put('/api/v1/organizations/initech').set(bearer(again)).send({ display_name: 'Initech' })).status).toBe(200);
  });

  it("userinfo on a realm's path answers only for that realm's tokens", async () => {
    const ada = { email: 'ada@example.com', password: 'ada passphrase here' };
    await createUser(gatehouse, ada, 'acme', 'member');
    const app = await createClientIn(gatehouse, 'acme', { name: 'Acme app', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid'] });
    const tokens = await userTokens(gatehouse, { clientId: app.client_id, scope: 'openid', person: ada, realm: 'acme' });
    expect((await gatehouse.http().get('/auth/realms/acme/protocol/openid-connect/userinfo').set(bearer(tokens.access_token))).status).toBe(200);
    for (const realm of ['globex', 'default', 'nowhere']) {
      const response = await gatehouse.http().get(`/auth/realms/${realm}/protocol/openid-connect/userinfo`).set(bearer(tokens.access_token));
      expect([realm, response.status]).toEqual([realm, 401]);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    }
  });
});
