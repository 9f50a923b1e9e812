import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { APP_REDIRECT, createUser, type Person, userTokens } from './support/principals.js';
import { createClientIn, createOrganization, realmToken, realmTokenRequest } from './support/tenants.js';

const CLIENT_SCOPES = ['client:create', 'client:read', 'client:update', 'client:delete'];
const ROLE_SCOPES = ['role:create', 'role:read', 'role:update', 'role:delete'];

/** Roles an organization defines (issue 16): named bundles of scopes, assignable to its clients and users, bounded by the access policy. */
describe('roles an organization defines', () => {
  let gatehouse: TestApp;
  let root: string;
  /** acme's administer-account client, and a client that administers roles and clients but not users. */
  let accountClient: Credentials;
  let roleMaker: Credentials;
  let clientsClient: Credentials;
  let globexAdmin: Credentials;
  let portal: string;
  let serial = 0;

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const as = async (credentials: Credentials, realm = 'acme') => realmToken(gatehouse, realm, credentials);
  const role = {
    create: async (token: string, body: Record<string, unknown>) => gatehouse.http().post('/api/v1/oauth/role').set(bearer(token)).send(body),
    get: async (token: string, name: string, query = '') => gatehouse.http().get(`/api/v1/oauth/role/${name}${query}`).set(bearer(token)),
    list: async (token: string, query = '') => gatehouse.http().get(`/api/v1/oauth/role${query}`).set(bearer(token)),
    update: async (token: string, name: string, body: unknown, query = '') => gatehouse.http().patch(`/api/v1/oauth/role/${name}${query}`).set(bearer(token)).send(body as object),
    delete: async (token: string, name: string, query = '') => gatehouse.http().delete(`/api/v1/oauth/role/${name}${query}`).set(bearer(token)),
  };
  /** A new role of acme defined by its account client: `${prefix}-${n}`. */
  async function defineRole(prefix: string, scopes: string[]): Promise<string> {
    const name = `${prefix}-${++serial}`;
    const response = await role.create(await as(accountClient), { name, scopes });
    expect(response.status).toBe(201);
    return name;
  }
  const setPermissions = async (token: string, clientId: string, permissions: unknown) => gatehouse.http().put(`/api/v1/oauth/client/${clientId}/permissions`).set(bearer(token)).send(permissions as object);

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
    await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true });
    await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true });
    accountClient = await createClientIn(gatehouse, 'acme', { name: 'account admin', permissions: ['administer-account'] });
    roleMaker = await createClientIn(gatehouse, 'acme', { name: 'role maker', scopes: [...ROLE_SCOPES, ...CLIENT_SCOPES, 'scope:read', 'user:create', 'user:read'] });
    clientsClient = await createClientIn(gatehouse, 'acme', { name: 'client admin', permissions: ['administer-clients'] });
    globexAdmin = await createClientIn(gatehouse, 'globex', { name: 'globex admin', permissions: ['administer-account'] });
    portal = (await createClientIn(gatehouse, 'acme', { name: 'Portal', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'profile', 'token:personal', 'client:read', 'client:update', 'scope:read', 'project:read'] })).client_id;
  });
  afterAll(() => gatehouse.close());

  describe('the API', () => {
    it('creates, reads, lists, updates and deletes a role, each change audited', async () => {
      const token = await as(accountClient);
      const created = await role.create(token, { name: 'client-reader', description: 'Reads clients', scopes: ['client:read', 'scope:read'] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'client-reader', description: 'Reads clients', scopes: ['client:read', 'scope:read'], granted_scopes: ['client:read', 'scope:read'], built_in: false });
      expect((created.body as { organization_id: string }).organization_id).toMatch(/^[0-9a-f-]{36}$/);

      const read = await role.get(token, 'client-reader');
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);

      const listed = await role.list(token);
      expect(listed.status).toBe(200);
      const names = (listed.body as { name: string; built_in: boolean }[]).map(({ name, built_in }) => `${name}:${built_in}`);
      expect(names.slice(0, 2)).toEqual(['administer-account:true', 'administer-clients:true']);
      expect(names).toContain('client-reader:false');
      // The built-in ones read like the organization's own.
      expect((await role.get(token, 'administer-clients')).body).toEqual({ name: 'administer-clients', description: expect.any(String), scopes: [...CLIENT_SCOPES, 'scope:read'], granted_scopes: [...CLIENT_SCOPES, 'scope:read'], built_in: true });

      const described = await role.update(token, 'client-reader', { description: 'Reads clients and scopes' });
      expect(described.status).toBe(200);
      expect(described.body).toMatchObject({ description: 'Reads clients and scopes', scopes: ['client:read', 'scope:read'] });
      const narrowed = await role.update(token, 'client-reader', { scopes: ['client:read'] });
      expect(narrowed.body).toMatchObject({ description: 'Reads clients and scopes', scopes: ['client:read'], granted_scopes: ['client:read'] });

      expect((await role.delete(token, 'client-reader')).status).toBe(204);
      expect((await role.get(token, 'client-reader')).status).toBe(404);
      expect((await role.delete(token, 'client-reader')).status).toBe(404);

      const audit = await gatehouse.http().get('/api/v1/audit').query({ limit: 200 }).set(bearer(token));
      const events = (audit.body as { events: { action: string; target: { type: string; id: string }; details: Record<string, unknown> }[] }).events.filter((event) => event.target.type === 'role' && event.details.name === 'client-reader');
      // One role, by its id, throughout.
      expect(new Set(events.map((event) => event.target.id)).size).toBe(1);
      expect(events.map((event) => event.action).reverse()).toEqual(['role.created', 'role.updated', 'role.updated', 'role.deleted']);
      expect(events[1]!.details).toEqual({ name: 'client-reader', previous_scopes: ['client:read', 'scope:read'], scopes: ['client:read'] });
    });

    it('refuses bad names, unknown scopes, identity scopes and malformed or empty bodies (400)', async () => {
      const token = await as(accountClient);
      const refused = async (body: Record<string, unknown>, message: string) => {
        const response = await role.create(token, { name: `valid-${++serial}`, scopes: ['client:read'], ...body });
        expect(response.status).toBe(400);
        expect(JSON.stringify(response.body)).toContain(message);
      };
      await refused({ name: 'member' }, 'member is a built-in role');
      await refused({ name: 'administer-account' }, 'administer-account is a built-in role');
      await refused({ name: 'Client_Reader' }, 'name must be 2 to 63 characters');
      await refused({ name: 'x' }, 'name must be 2 to 63 characters');
      await refused({ name: '9lives' }, 'name must be 2 to 63 characters');
      await refused({ name: `a${'b'.repeat(63)}` }, 'name must be 2 to 63 characters');
      await refused({ scopes: ['made:up'] }, 'Unknown scopes: made:up');
      await refused({ scopes: ['openid', 'client:read'] }, 'Identity scopes are no privilege a role grants');
      await refused({ scopes: [] }, 'scopes must contain at least 1 elements');
      await refused({ scopes: ['client:read', 'client:read'] }, "All scopes's elements must be unique");
      await refused({ scopes: 'client:read' }, 'scopes must be an array');
      await refused({ scopes: ['client read'] }, 'each scope must be an RFC 6749 scope token');
      await refused({ description: null }, 'description must be a string');
      await refused({ description: 'x'.repeat(1001) }, 'description must be shorter than or equal to 1000 characters');

      const name = await defineRole('validated', ['client:read']);
      expect((await role.create(token, { name, scopes: ['scope:read'] })).status).toBe(409);
      expect((await role.update(token, name, { scopes: null })).status).toBe(400);
      expect((await role.update(token, name, { description: null })).status).toBe(400);
      expect((await role.update(token, name, { scopes: ['made:up'] })).status).toBe(400);
      expect((await role.update(token, name, { name: 'renamed' })).status).toBe(400);
      expect((await role.get(token, name)).body).toMatchObject({ name, scopes: ['client:read'] });
    });

    it('keeps the built-in roles as they are (403)', async () => {
      const token = await as(accountClient);
      expect((await role.update(token, 'administer-clients', { description: 'mine now' })).status).toBe(403);
      expect((await role.delete(token, 'administer-account')).status).toBe(403);
      expect((await role.get(token, 'administer-clients')).body).toMatchObject({ built_in: true, description: expect.stringContaining('Create, manage and delete') });
    });
  });

  describe('scope patterns', () => {
    it('grant every scope the organization knows with the prefix, listed as defined and as granted', async () => {
      const token = await as(accountClient);
      const created = await role.create(token, { name: `client-admin-${++serial}`, scopes: ['client:*', 'scope:read'] });
      expect(created.status).toBe(201);
      const body = created.body as { scopes: string[]; granted_scopes: string[] };
      expect(body.scopes).toEqual(['client:*', 'scope:read']);
      expect([...body.granted_scopes].sort()).toEqual([...CLIENT_SCOPES, 'scope:read'].sort());
    });

    it('are refused when malformed or when they match nothing the organization knows', async () => {
      const token = await as(accountClient);
      for (const [scopes, message] of [
        [['orders:*'], 'Patterns that match no scope of the organization: orders:*'],
        [['*'], 'A pattern is a prefix followed by one trailing *'],
        [['*:read'], 'A pattern is a prefix followed by one trailing *'],
        [['client:*:*'], 'A pattern is a prefix followed by one trailing *'],
      ] as const) {
        const response = await role.create(token, { name: `pattern-${++serial}`, scopes });
        expect(response.status).toBe(400);
        expect((response.body as { message: string }).message).toContain(message);
      }
    });

    it('count for the policy by what they match: a caller lacking one matched scope cannot define the pattern', async () => {
      // The role maker holds client:* and role:*, but of user:* only user:create and user:read.
      const token = await as(roleMaker);
      expect((await role.create(token, { name: `clients-${++serial}`, scopes: ['client:*'] })).status).toBe(201);
      const response = await role.create(token, { name: `users-${++serial}`, scopes: ['user:*'] });
      expect(response.status).toBe(403);
      expect((response.body as { message: string }).message).toContain('user:update');
    });
  });

  describe('the policy', () => {
    it('keeps a role administrator from defining, changing or deleting a role beyond their own scopes', async () => {
      const token = await as(roleMaker);
      // administer-clients has no role scope at all.
      expect((await role.create(await as(clientsClient), { name: `by-clients-${++serial}`, scopes: ['client:read'] })).status).toBe(403);
      const escalation = await role.create(token, { name: `user-editor-${++serial}`, scopes: ['client:read', 'user:update'] });
      expect(escalation.status).toBe(403);
      expect((escalation.body as { message: string }).message).toBe(`You cannot define the role user-editor-${serial} with scopes you do not hold: user:update`);

      const own = `own-${++serial}`;
      expect((await role.create(token, { name: own, scopes: ['client:read'] })).status).toBe(201);
      // Widening their own role beyond what they hold: refused, and the role keeps its scopes.
      expect((await role.update(token, own, { scopes: ['client:read', 'user:update'] })).status).toBe(403);
      expect((await role.get(token, own)).body).toMatchObject({ scopes: ['client:read'] });

      // A role holding more than they do: neither narrowed nor deleted by them.
      const greater = await defineRole('user-editor', ['user:update', 'client:read']);
      const narrowing = await role.update(token, greater, { scopes: ['client:read'] });
      expect(narrowing.status).toBe(403);
      expect((narrowing.body as { message: string }).message).toContain('it holds scopes you do not hold: user:update');
      expect((await role.update(token, greater, { description: 'renamed' })).status).toBe(403);
      expect((await role.delete(token, greater)).status).toBe(403);
      expect((await role.get(token, greater)).body).toMatchObject({ scopes: ['user:update', 'client:read'] });
    });

    it("lets a client administrator assign a role only if it holds every scope of it, and only the organization's own", async () => {
      const token = await as(clientsClient);
      const reader = await defineRole('client-reader', ['client:read']);
      const editor = await defineRole('user-editor', ['user:update']);
      const target = await createClientIn(gatehouse, 'acme', { name: `target ${++serial}` });

      const refused = await setPermissions(token, target.client_id, [reader, editor]);
      expect(refused.status).toBe(403);
      expect((refused.body as { message: string }).message).toBe(`You cannot grant permissions you do not hold: ${editor}`);
      expect((await setPermissions(token, target.client_id, [reader])).body).toEqual([reader]);
      expect((await gatehouse.http().post('/api/v1/oauth/client').set(bearer(token)).send({ scopes: [], permissions: [editor] })).status).toBe(403);
      const created = await gatehouse.http().post('/api/v1/oauth/client').set(bearer(token)).send({ scopes: [], permissions: [reader, 'administer-clients'] });
      expect(created.status).toBe(201);

      // The client holds what the role grants: a token may carry it, and nothing beyond.
      const holder = created.body as Credentials;
      const granted = await realmToken(gatehouse, 'acme', holder, 'client:read');
      expect(decodeJwt(granted).payload.scope).toBe('client:read');
      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(granted))).status).toBe(200);

      // A client holding the greater role is beyond the client administrator from then on.
      const greater = await createClientIn(gatehouse, 'acme', { name: `greater ${++serial}`, permissions: [editor] });
      expect((await setPermissions(token, greater.client_id, [])).status).toBe(403);
    });

    it("refuses a permission or role that is neither built in nor the organization's own (400)", async () => {
      const globexRole = `globex-only-${++serial}`;
      expect((await role.create(await as(globexAdmin, 'globex'), { name: globexRole, scopes: ['client:read'] })).status).toBe(201);
      const token = await as(accountClient);
      const target = await createClientIn(gatehouse, 'acme', { name: `target ${++serial}` });
      for (const permissions of [['no-such-role'], [globexRole], ['member'], ['Administer-Clients'], [42], 'administer-clients']) {
        const response = await setPermissions(token, target.client_id, permissions);
        expect(response.status).toBe(400);
      }
      const unknown = await setPermissions(token, target.client_id, [globexRole]);
      expect((unknown.body as { message: string }).message).toMatch(new RegExp(`^Unknown permissions: "${globexRole}"; known: administer-account, administer-clients`));
      expect((await gatehouse.http().post('/api/v1/oauth/client').set(bearer(token)).send({ scopes: [], permissions: [globexRole] })).status).toBe(400);
      expect((await gatehouse.http().put(`/api/v1/oauth/client/${target.client_id}`).set(bearer(token)).send({ permissions: [globexRole] })).status).toBe(400);

      const user = await gatehouse.http().post('/api/v1/users').set(bearer(token)).send({ email: `nobody-${++serial}@acme.test`, password: 'a long passphrase', role: globexRole });
      expect(user.status).toBe(400);
      expect((user.body as { message: string }).message).toContain(`Unknown role "${globexRole}"`);
      expect((await gatehouse.http().post('/api/v1/users').set(bearer(token)).send({ email: `nobody-${++serial}@acme.test`, password: 'a long passphrase', role: 'Not A Role' })).status).toBe(400);
    });

    it('lets a user administrator give a user a role only if it holds every scope of it', async () => {
      const token = await as(roleMaker);
      const reader = await defineRole('client-reader', ['client:read']);
      const editor = await defineRole('user-editor', ['user:update']);
      const refused = await gatehouse.http().post('/api/v1/users').set(bearer(token)).send({ email: `editor-${++serial}@acme.test`, password: 'a long passphrase', role: editor });
      expect(refused.status).toBe(403);
      expect((refused.body as { message: string }).message).toContain(`You cannot grant or change the role ${editor}: you do not hold user:update`);
      const created = await gatehouse.http().post('/api/v1/users').set(bearer(token)).send({ email: `reader-${++serial}@acme.test`, password: 'a long passphrase', role: reader });
      expect(created.status).toBe(201);
      expect((created.body as { memberships: unknown[] }).memberships).toEqual([{ organization_id: expect.any(String), role: reader, status: 'invited' }]);

      // Membership changes accept the organization's roles too (the root client here, which holds all).
      const id = (created.body as { id: string }).id;
      const moved = await gatehouse.http().put(`/api/v1/users/${id}/organizations/acme`).set(bearer(root)).send({ role: editor });
      expect(moved.status).toBe(200);
      expect((moved.body as { memberships: { role: string }[] }).memberships.map((membership) => membership.role)).toEqual([editor]);
      // From then on the user holds more than the role maker: out of its reach.
      expect((await gatehouse.http().patch(`/api/v1/users/${id}`).set(bearer(token)).send({ role: reader })).status).toBe(403);
      const patched = await gatehouse.http().patch(`/api/v1/users/${id}`).set(bearer(await as(accountClient))).send({ role: reader });
      expect(patched.status).toBe(200);
      expect((patched.body as { memberships: { role: string }[] }).memberships.map((membership) => membership.role)).toEqual([reader]);
    });
  });

  describe('holders', () => {
    it("hold a user's custom role in their user tokens and personal access tokens, and lose it the moment the role changes", async () => {
      const name = await defineRole('client-viewer', ['client:read', 'scope:read']);
      const person: Person = { email: `viewer-${++serial}@acme.test`, password: 'viewer passphrase' };
      await createUser(gatehouse, person, 'acme', name);
      const tokens = await userTokens(gatehouse, { clientId: portal, scope: 'openid token:personal client:read client:update scope:read', person, realm: 'acme' });
      // The role gives client:read and scope:read, not client:update: consent drops what it does not give.
      expect(tokens.scope!.split(' ').sort()).toEqual(['client:read', 'openid', 'scope:read', 'token:personal']);
      const userToken = tokens.access_token!;
      const pat = await gatehouse.http().post('/api/v1/users/me/tokens').set(bearer(userToken)).send({ name: 'viewer pat', scopes: ['client:read'], expires_in_days: 7 });
      expect(pat.status).toBe(201);
      const personal = (pat.body as { token: string }).token;
      const beyond = await gatehouse.http().post('/api/v1/users/me/tokens').set(bearer(userToken)).send({ name: 'too much', scopes: ['client:update'], expires_in_days: 7 });
      expect(beyond.status).toBe(403);

      const listClients = (token: string) => gatehouse.http().get('/api/v1/oauth/client').set(bearer(token));
      expect((await listClients(userToken)).status).toBe(200);
      expect((await listClients(personal)).status).toBe(200);

      // The role no longer gives client:read: both tokens lose it at once.
      expect((await role.update(await as(accountClient), name, { scopes: ['scope:read'] })).status).toBe(200);
      expect((await listClients(userToken)).status).toBe(403);
      expect((await listClients(personal)).status).toBe(403);
      expect((await gatehouse.http().get('/api/v1/oauth/scope').set(bearer(userToken))).status).toBe(200);

      // And get it back when the role gives it again, through a pattern this time.
      expect((await role.update(await as(accountClient), name, { scopes: ['client:r*', 'scope:read'] })).status).toBe(200);
      expect((await listClients(userToken)).status).toBe(200);
      expect((await listClients(personal)).status).toBe(200);
    });

    it("hold a client's custom permission in its tokens, and lose it the moment the role changes", async () => {
      const name = await defineRole('client-lister', ['client:read']);
      const holder = await createClientIn(gatehouse, 'acme', { name: `lister ${++serial}`, permissions: [name] });
      const token = await realmToken(gatehouse, 'acme', holder, 'client:read');
      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(token))).status).toBe(200);
      expect((await role.update(await as(accountClient), name, { scopes: ['scope:read'] })).status).toBe(200);
      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(token))).status).toBe(403);
      const refused = await gatehouse.http().post('/auth/realms/acme/protocol/openid-connect/token').type('form').send({ grant_type: 'client_credentials', ...holder, scope: 'client:read' });
      expect(refused.status).toBe(400);
      expect((refused.body as { error: string }).error).toBe('invalid_scope');
    });

    it("bound an organization token by its granting user's custom role, now", async () => {
      const name = await defineRole('project-viewer', ['project:read', 'client:read']);
      const person: Person = { email: `org-token-${++serial}@acme.test`, password: 'org token passphrase' };
      await createUser(gatehouse, person, 'acme', name);
      const integrations = await createClientIn(gatehouse, 'acme', { name: `integrations ${serial}`, redirect_uris: [APP_REDIRECT], scopes: ['client:read', 'project:read'] });
      const tokens = await userTokens(gatehouse, { clientId: integrations.client_id, clientSecret: integrations.client_secret, scope: 'client:read project:read', person, organization: 'acme', realm: 'acme' });
      const listClients = () => gatehouse.http().get('/api/v1/oauth/client').set(bearer(tokens.access_token!));
      expect((await listClients()).status).toBe(200);
      expect((await role.update(await as(accountClient), name, { scopes: ['project:read'] })).status).toBe(200);
      expect((await listClients()).status).toBe(403);
      const refreshed = await gatehouse.http().post('/auth/realms/acme/protocol/openid-connect/token').type('form').send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...integrations });
      expect(refreshed.status).toBe(200);
      expect((refreshed.body as { scope: string }).scope).toBe('project:read');
    });

    it('keep a role from being deleted while they hold it (409, saying how many)', async () => {
      const token = await as(accountClient);
      const name = await defineRole('held', ['client:read']);
      const first = await createClientIn(gatehouse, 'acme', { name: `holder ${++serial}`, permissions: [name] });
      await createClientIn(gatehouse, 'acme', { name: `holder ${++serial}`, permissions: [name, 'administer-clients'] });
      const userId = await createUser(gatehouse, { email: `held-${++serial}@acme.test`, password: 'held passphrase' }, 'acme', name);

      const refused = await role.delete(token, name);
      expect(refused.status).toBe(409);
      expect((refused.body as { message: string }).message).toBe(`The role ${name} is held by 2 clients and 1 user: assign them another role first`);

      await gatehouse.http().delete(`/api/v1/users/${userId}`).set(bearer(root));
      expect((await setPermissions(token, first.client_id, [])).status).toBe(200);
      expect((await role.delete(token, name)).body).toMatchObject({ message: `The role ${name} is held by 1 client: assign them another role first` });
    });
  });

  describe("the organization's API scopes", () => {
    let ordersApi: string;
    /** Administers acme and holds the orders API's scopes: administer-account alone grants no API scope. */
    let orderAdmin: Credentials;
    const api = {
      create: async (body: Record<string, unknown>) => gatehouse.http().post('/api/v1/apis').set(bearer(root)).send(body),
      scopes: async (id: string, scopes: string[]) => gatehouse.http().patch(`/api/v1/apis/${id}`).set(bearer(root)).send({ scopes: scopes.map((name) => ({ name, description: `Words for ${name}` })) }),
    };

    beforeAll(async () => {
      const created = await api.create({ organization: 'acme', identifier: 'https://orders.example.com', name: 'Orders', scopes: [{ name: 'orders:read', description: 'Read your orders' }, { name: 'orders:write', description: 'Place orders' }] });
      expect(created.status).toBe(201);
      ordersApi = (created.body as { id: string }).id;
      // globex has an orders API of its own: its scopes are nothing to acme's roles.
      expect((await api.create({ organization: 'globex', identifier: 'https://orders.example.com', name: 'Orders', scopes: [{ name: 'orders:refund', description: 'Refund' }] })).status).toBe(201);
      orderAdmin = await createClientIn(gatehouse, 'acme', { name: 'order admin', permissions: ['administer-account'], scopes: ['orders:read', 'orders:write'] });
    });

    it('are granted by name or pattern, and unknown or foreign ones refused', async () => {
      // acme's account client administers acme's APIs (api:update): it may define a role granting their scopes.
      expect((await role.create(await as(accountClient), { name: `order-clerk-${++serial}`, scopes: ['orders:read'] })).status).toBe(201);
      const token = await as(orderAdmin);
      const created = await role.create(token, { name: 'order-manager', description: 'Runs the order desk', scopes: ['orders:*'] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ scopes: ['orders:*'], granted_scopes: ['orders:read', 'orders:write'] });
      expect((await role.create(token, { name: `order-reader-${++serial}`, scopes: ['orders:read'] })).status).toBe(201);
      // globex's API scope is not acme's; a pattern must match one of acme's.
      expect((await role.create(token, { name: `refunder-${++serial}`, scopes: ['orders:refund'] })).body).toMatchObject({ message: 'Unknown scopes: orders:refund' });
      expect((await role.create(token, { name: `biller-${++serial}`, scopes: ['billing:*'] })).body).toMatchObject({ message: 'Patterns that match no scope of the organization: billing:*' });
      // The role maker neither holds an orders scope nor administers the APIs.
      const sneaky = await role.create(await as(roleMaker), { name: `sneaky-${++serial}`, scopes: ['orders:*'] });
      expect(sneaky.status).toBe(403);
      expect((sneaky.body as { message: string }).message).toContain('orders:read');
    });

    it("give a user with the role a user token for the API's scopes; a token for Gatehouse's API carries none of them", async () => {
      const person: Person = { email: `orders-${++serial}@acme.test`, password: 'orders passphrase' };
      await createUser(gatehouse, person, 'acme', 'order-manager');
      const desk = (await createClientIn(gatehouse, 'acme', { name: 'Order desk', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'token:personal', 'orders:read', 'orders:write'] })).client_id;
      // The grant covers Gatehouse's API and the orders API; a token is for one API, Gatehouse's by default.
      const tokens = await userTokens(gatehouse, { clientId: desk, scope: 'openid token:personal orders:read orders:write', person, realm: 'acme' });
      expect(tokens.scope!.split(' ').sort()).toEqual(['openid', 'token:personal']);
      const forOrders = await gatehouse.http().post('/auth/realms/acme/protocol/openid-connect/token').type('form').send({ grant_type: 'refresh_token', client_id: desk, refresh_token: tokens.refresh_token, resource: 'https://orders.example.com' });
      expect(forOrders.status).toBe(200);
      expect(decodeJwt((forOrders.body as { access_token: string }).access_token).payload).toMatchObject({ scope: 'openid orders:read orders:write' });
      // A personal access token is for Gatehouse's API only.
      const pat = await gatehouse.http().post('/api/v1/users/me/tokens').set(bearer(tokens.access_token!)).send({ name: 'orders pat', scopes: ['orders:read'], expires_in_days: 7 });
      expect(pat.status).toBe(400);
      expect((pat.body as { message: string }).message).toBe("A personal access token is for Gatehouse's API only; these are scopes of the organization's APIs: orders:read");

      // A member without the role grants none of them.
      const plain: Person = { email: `plain-${++serial}@acme.test`, password: 'plain passphrase' };
      await createUser(gatehouse, plain, 'acme', 'member');
      expect((await userTokens(gatehouse, { clientId: desk, scope: 'openid orders:read', person: plain, realm: 'acme' })).scope).toBe('openid');
    });

    it("grant a scope added to the API later through a pattern, at once, to the role's holders", async () => {
      const holder = await createClientIn(gatehouse, 'acme', { name: `order bot ${++serial}`, permissions: ['order-manager'] });
      expect((await realmTokenRequest(gatehouse, 'acme', holder, 'orders:cancel')).status).toBe(400);
      expect((await api.scopes(ordersApi, ['orders:read', 'orders:write', 'orders:cancel'])).status).toBe(200);
      expect(((await role.get(await as(accountClient), 'order-manager')).body as { granted_scopes: string[] }).granted_scopes).toEqual(['orders:read', 'orders:write', 'orders:cancel']);
      const response = await realmTokenRequest(gatehouse, 'acme', holder, 'orders:cancel');
      expect(response.status).toBe(200);
      expect((response.body as { scope: string }).scope).toBe('orders:cancel');
    });

    it('taken out of the API are taken out of the roles naming them, audited; patterns stay', async () => {
      const token = await as(accountClient);
      const canceller = `canceller-${++serial}`;
      // Only the root client holds orders:cancel.
      expect((await role.create(root, { name: canceller, scopes: ['orders:cancel', 'orders:read'], organization: 'acme' })).status).toBe(201);
      const holder = await createClientIn(gatehouse, 'acme', { name: `canceller ${serial}`, permissions: [canceller] });
      const before = await realmToken(gatehouse, 'acme', holder, 'orders:cancel');
      expect(decodeJwt(before).payload.scope).toBe('orders:cancel');

      // acme's account client administers the API: it may take the scope away from the roles granting it.
      expect((await gatehouse.http().patch(`/api/v1/apis/${ordersApi}`).set(bearer(token)).send({ scopes: [{ name: 'orders:read', description: 'Read your orders' }, { name: 'orders:write', description: 'Place orders' }] })).status).toBe(200);
      expect((await role.get(token, canceller)).body).toMatchObject({ scopes: ['orders:read'], granted_scopes: ['orders:read'] });
      // The client holds what its role grants now, and orders:read still.
      expect((await role.get(token, 'order-manager')).body).toMatchObject({ scopes: ['orders:*'], granted_scopes: ['orders:read', 'orders:write'] });
      expect((await realmTokenRequest(gatehouse, 'acme', holder, 'orders:cancel')).status).toBe(400);
      expect((await realmTokenRequest(gatehouse, 'acme', holder, 'orders:read')).status).toBe(200);

      const audit = await gatehouse.http().get('/api/v1/audit').query({ action: 'role.updated', limit: 50 }).set(bearer(token));
      const event = (audit.body as { events: { details: Record<string, unknown> }[] }).events.find((candidate) => candidate.details.name === canceller);
      expect(event!.details).toEqual({ name: canceller, previous_scopes: ['orders:cancel', 'orders:read'], scopes: ['orders:read'], reason: 'api_scopes_removed' });
    });
  });

  describe('organizations', () => {
    it("answer another organization's roles like missing ones (404), and list only their own", async () => {
      const name = await defineRole('acme-secret', ['client:read']);
      const globex = await as(globexAdmin, 'globex');
      expect((await role.get(globex, name)).status).toBe(404);
      expect((await role.update(globex, name, { description: 'mine' })).status).toBe(404);
      expect((await role.delete(globex, name)).status).toBe(404);
      expect(((await role.list(globex)).body as { name: string }[]).map((listed) => listed.name)).not.toContain(name);
      // Naming acme does not help: only the root client sees other organizations.
      expect((await role.get(globex, name, '?organization=acme')).status).toBe(404);
      expect((await role.list(globex, '?organization=acme')).status).toBe(404);
      expect((await role.create(globex, { name: `intruder-${++serial}`, scopes: ['client:read'], organization: 'acme' })).status).toBe(404);
      // A name is each organization's own: globex may define one of the same name.
      expect((await role.create(globex, { name, scopes: ['scope:read'] })).status).toBe(201);
      expect((await role.get(await as(accountClient), name)).body).toMatchObject({ scopes: ['client:read'] });
    });

    it('let the root client manage any organization by naming it', async () => {
      const name = `by-root-${++serial}`;
      const created = await role.create(root, { name, scopes: ['key:read'], organization: 'globex' });
      expect(created.status).toBe(201);
      expect((await role.get(root, name)).status).toBe(404);
      expect((await role.get(root, name, '?organization=globex')).body).toMatchObject({ name, scopes: ['key:read'] });
      expect(((await role.list(root, '?organization=globex')).body as { name: string }[]).map((listed) => listed.name)).toContain(name);
      // globex's administrator holds no key:read: the root client's role is beyond it.
      expect((await role.delete(await as(globexAdmin, 'globex'), name)).status).toBe(403);
      expect((await role.update(root, name, { scopes: ['key:read', 'client:read'] }, '?organization=globex')).status).toBe(200);
      expect((await role.delete(root, name, '?organization=globex')).status).toBe(204);
      expect((await role.get(root, name, '?organization=nowhere')).status).toBe(404);
    });
  });
});
