import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PERMISSIONS, PLATFORM_ADMINISTRATOR } from '../src/scopes/permissions.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { APP_REDIRECT, createUser, type Person, userTokens } from './support/principals.js';
import { createClientIn, createOrganization } from './support/tenants.js';

/**
 * The platform administrator (administer-platform): a user role of the built-in organization that
 * creates and deletes organizations and rotates the signing keys, and that nobody holding less can
 * give, take away or act on (the access policy's rule 3 and 4, test/authorization-matrix.e2e-spec.ts
 * for every route).
 */
describe('the platform administrator', () => {
  let gatehouse: TestApp;
  let root: string;
  let app: string;
  const keeper: Person = { email: 'keeper@gatehouse.test', password: 'keeper passphrase' };
  let keeperId: string;
  let adminId: string;
  const ACCOUNT = PERMISSIONS.find((permission) => permission.name === 'administer-account')!.scopes;

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const tokenOf = async (person: Person, scopes: readonly string[]) => (await userTokens(gatehouse, { clientId: app, scope: ['openid', ...scopes].join(' '), person })).access_token!;

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
    // An app of the built-in organization, asking for everything the platform administrator's role gives.
    app = (await createClient(gatehouse, { name: 'Operations', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', ...PLATFORM_ADMINISTRATOR.scopes] })).client_id;
    keeperId = await createUser(gatehouse, keeper, 'default', 'administer-account');
    const users = (await gatehouse.http().get('/api/v1/users?size=100').set(bearer(root))).body as { items: { id: string; email: string; memberships: { role: string }[] }[] };
    const admin = users.items.find((user) => user.email === ADMIN_EMAIL)!;
    adminId = admin.id;
    // The bootstrap administrator is one, so that the console can create the first organizations.
    expect(admin.memberships).toEqual([expect.objectContaining({ role: 'administer-platform' })]);
  });
  afterAll(() => gatehouse.close());

  it('is out of reach of an administer-account administrator of the built-in organization: they cannot become one, make one, nor act on one', async () => {
    const token = await tokenOf(keeper, PLATFORM_ADMINISTRATOR.scopes);
    // Their token carries what their role gives: no platform scope.
    const scopes = String((await gatehouse.http().post('/api/v1/oauth/introspect').auth(ROOT.client_id, ROOT.client_secret).type('form').send({ token })).body.scope).split(' ');
    expect(scopes).toEqual(expect.arrayContaining([...ACCOUNT]));
    expect(scopes).not.toContain('organization:create');
    const refused = [
      await gatehouse.http().put(`/api/v1/users/${keeperId}/organizations/default`).set(bearer(token)).send({ role: 'administer-platform' }),
      await gatehouse.http().post('/api/v1/users').set(bearer(token)).send({ email: 'deputy@gatehouse.test', password: 'deputy passphrase', role: 'administer-platform' }),
      await gatehouse.http().patch(`/api/v1/users/${adminId}`).set(bearer(token)).send({ password: 'taken over passphrase' }),
      await gatehouse.http().patch(`/api/v1/users/${adminId}`).set(bearer(token)).send({ disabled: true }),
      await gatehouse.http().patch(`/api/v1/users/${adminId}`).set(bearer(token)).send({ role: 'member' }),
      await gatehouse.http().put(`/api/v1/users/${adminId}/organizations/default`).set(bearer(token)).send({ role: 'member' }),
      await gatehouse.http().delete(`/api/v1/users/${adminId}`).set(bearer(token)),
    ];
    expect(refused.map((response) => response.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect(refused[0]!.body.message).toBe('You cannot grant or change the role administer-platform: you do not hold organization:create, organization:delete, key:read, key:rotate');
    // Nor do they create or delete organizations, or see any but their own.
    expect((await gatehouse.http().post('/api/v1/organizations').set(bearer(token)).send({ name: 'rogue', display_name: 'Rogue' })).body).toMatchObject({ error: 'insufficient_scope' });
    expect(((await gatehouse.http().get('/api/v1/organizations').set(bearer(token))).body as { name: string }[]).map((organization) => organization.name)).toEqual(['default']);
    // The administrator still signs in with their own password.
    expect(await tokenOf({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, ['organization:create'])).toEqual(expect.any(String));
  });

  it('is given and taken away only by the root client or another platform administrator', async () => {
    const platform = await tokenOf({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, PLATFORM_ADMINISTRATOR.scopes);
    const setRole = (token: string, role: string) => gatehouse.http().put(`/api/v1/users/${keeperId}/organizations/default`).set(bearer(token)).send({ role });
    expect((await setRole(platform, 'administer-platform')).status).toBe(200);
    const promoted = await tokenOf(keeper, PLATFORM_ADMINISTRATOR.scopes);
    expect((await gatehouse.http().get('/api/v1/oauth/keys').set(bearer(promoted))).status).toBe(200);
    expect((await setRole(platform, 'administer-account')).status).toBe(200);
    // Taken away, at once: the token issued while they held it no longer carries the platform scopes.
    expect((await gatehouse.http().get('/api/v1/oauth/keys').set(bearer(promoted))).body).toMatchObject({ error: 'insufficient_scope' });
    expect((await setRole(root, 'administer-platform')).status).toBe(200);
    expect((await setRole(root, 'administer-account')).status).toBe(200);
  });

  it('exists in the built-in organization only, for users only', async () => {
    await createOrganization(gatehouse, { name: 'hooli', oauth_enabled: true });
    const outsider = await gatehouse.http().put(`/api/v1/users/${keeperId}/organizations/hooli`).set(bearer(root)).send({ role: 'administer-platform' });
    expect(outsider.status).toBe(400);
    expect(outsider.body.message).toMatch(/^Unknown role "administer-platform"/);
    expect((await gatehouse.http().post('/api/v1/oauth/client').set(bearer(root)).send({ name: 'platform client', permissions: ['administer-platform'] })).status).toBe(400);
    expect((await gatehouse.http().post('/api/v1/oauth/role').set(bearer(root)).send({ name: 'administer-platform', scopes: ['key:read'] })).status).toBe(400);
    const listed = async (organization: string) => ((await gatehouse.http().get(`/api/v1/oauth/role?organization=${organization}`).set(bearer(root))).body as { name: string }[]).map((role) => role.name);
    expect(await listed('default')).toContain('administer-platform');
    expect(await listed('hooli')).not.toContain('administer-platform');
  });

  it('creates organizations, sees every one but nothing in them, and deletes them unless someone there holds more', async () => {
    const platform = await tokenOf({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, PLATFORM_ADMINISTRATOR.scopes);
    const call = (method: 'get' | 'post' | 'put' | 'delete', path: string, body?: object) => gatehouse.http()[method](path).set(bearer(platform)).send(body);
    expect((await call('post', '/api/v1/organizations', { name: 'initech', display_name: 'Initech', oauth_enabled: true })).status).toBe(201);
    expect((await call('post', '/api/v1/organizations', { name: 'initech', display_name: 'Initech again' })).status).toBe(409);
    const names = ((await call('get', '/api/v1/organizations')).body as { name: string }[]).map((organization) => organization.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'hooli', 'initech']));
    expect((await call('get', '/api/v1/organizations/initech')).status).toBe(200);
    // Its settings and what is in it are its own administrators' (and the root client's).
    expect((await call('put', '/api/v1/organizations/initech', { display_name: 'Renamed' })).status).toBe(404);
    expect((await call('post', '/api/v1/organizations/initech/not-before')).status).toBe(404);
    expect((await call('get', '/api/v1/organizations/initech/projects')).status).toBe(404);
    // A scraper's client there holds metrics:read, which the platform administrator does not: deleting it would act on more than they hold.
    const scraper = await createClientIn(gatehouse, 'initech', { name: 'scraper', scopes: ['metrics:read'] });
    const refused = await call('delete', '/api/v1/organizations/initech');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('You cannot delete this organization: clients or members there hold scopes you do not hold: metrics:read');
    expect((await gatehouse.http().delete(`/api/v1/oauth/client/${scraper.client_id}`).set(bearer(root))).status).toBe(204);
    // An API's own scopes go with the organization: they are no reason to refuse.
    const api = await gatehouse.http().post('/api/v1/apis').set(bearer(root)).send({ organization: 'initech', identifier: 'https://orders.initech.test', name: 'Orders', scopes: [{ name: 'orders:read', description: 'Read orders' }] });
    expect(api.status).toBe(201);
    await createClientIn(gatehouse, 'initech', { name: 'orders reader', scopes: ['orders:read'] });
    expect((await call('delete', '/api/v1/organizations/initech')).status).toBe(204);
    expect((await call('get', '/api/v1/organizations/initech')).status).toBe(404);
    expect((await call('delete', '/api/v1/organizations/default')).body).toMatchObject({ statusCode: 403, message: 'The built-in organization cannot be deleted' });
    const audit = (await gatehouse.http().get('/api/v1/audit?action=organization.deleted').set(bearer(root))).body as { events: { actor: { type: string; id: string }; details: { name: string } }[] };
    expect(audit.events.find((event) => event.details.name === 'initech')?.actor).toEqual({ type: 'user', id: adminId });
  });
});
