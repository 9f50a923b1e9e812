import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { type Credentials, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, createProject, type Project, realmToken } from './support/tenants.js';

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

describe('client permissions and tenant isolation', () => {
  let gatehouse: TestApp;
  let accountAdminA: string;
  let clientAdminA: string;
  let plainA: string;
  let accountAdminB: string;
  let victimB: Credentials;
  let projectB: Project;

  const call = (token: string, method: Method, path: string, body?: unknown) => {
    const test = gatehouse.http()[method](path).set('Authorization', `Bearer ${token}`);
    return body === undefined ? test : test.send(body as object);
  };

  beforeAll(async () => {
    gatehouse = await startApp();
    await createOrganization(gatehouse, { name: 'org-a', oauth_enabled: true, require_project_scoped_tokens: false });
    await createOrganization(gatehouse, { name: 'org-b', oauth_enabled: true, require_project_scoped_tokens: false });
    accountAdminA = await realmToken(gatehouse, 'org-a', await createClientIn(gatehouse, 'org-a', { permissions: ['administer-account'] }));
    clientAdminA = await realmToken(gatehouse, 'org-a', await createClientIn(gatehouse, 'org-a', { permissions: ['administer-clients'] }));
    plainA = await realmToken(gatehouse, 'org-a', await createClientIn(gatehouse, 'org-a', { scopes: ['scope:read', 'table:read', 'policy:read', 'rule:read'] }));
    accountAdminB = await realmToken(gatehouse, 'org-b', await createClientIn(gatehouse, 'org-b', { permissions: ['administer-account'] }));
    victimB = await createClientIn(gatehouse, 'org-b', { scopes: ['scope:read'], name: 'victim' });
    projectB = await createProject(gatehouse, 'org-b', 'secret-project');
  });
  afterAll(() => gatehouse.close());

  it('lists permissions with descriptions and the scopes each grants', async () => {
    const response = await call(plainA, 'get', '/api/v1/oauth/role');
    expect(response.status).toBe(200);
    const roles = response.body as { name: string; description: string; scopes: string[] }[];
    expect(roles.map((role) => role.name)).toEqual(['administer-account', 'administer-clients']);
    expect(roles[1].scopes).toEqual(['client:create', 'client:read', 'client:update', 'client:delete', 'scope:read']);
    expect(roles[0].scopes).toEqual(expect.arrayContaining(['organization:read', 'organization:update', 'project:create', 'client:create']));
    expect(roles[0].scopes).not.toContain('organization:create');
  });

  it('lets administer-clients manage the clients of its own organization', async () => {
    const created = await call(clientAdminA, 'post', '/api/v1/oauth/client', { scopes: ['client:read'], name: 'made-by-admin' });
    expect(created.status).toBe(201);
    const id = (created.body as Credentials).client_id;
    const read = await call(clientAdminA, 'get', `/api/v1/oauth/client/${id}`);
    expect(read.body).toMatchObject({ name: 'made-by-admin', permissions: [] });
    expect((await call(clientAdminA, 'put', `/api/v1/oauth/client/${id}`, { name: 'renamed' })).status).toBe(200);
    expect((await call(clientAdminA, 'post', `/api/v1/oauth/client/${id}/secret`)).status).toBe(200);
    expect((await call(clientAdminA, 'put', `/api/v1/oauth/client/${id}/permissions`, ['administer-clients'])).body).toEqual(['administer-clients']);
    expect((await call(clientAdminA, 'get', `/api/v1/oauth/client/${id}/permissions`)).body).toEqual(['administer-clients']);
    const listed = (await call(clientAdminA, 'get', '/api/v1/oauth/client?size=100')).body as { items: { client_id: string }[] };
    expect(listed.items.map((item) => item.client_id)).toContain(id);
    expect(listed.items.map((item) => item.client_id)).not.toContain(victimB.client_id);
    expect((await call(clientAdminA, 'delete', `/api/v1/oauth/client/${id}`)).status).toBe(204);
  });

  it("answers 404 for every client operation on another organization's client, and changes nothing", async () => {
    const id = victimB.client_id;
    const attempts: [Method, string, unknown?][] = [
      ['get', `/api/v1/oauth/client/${id}`],
      ['put', `/api/v1/oauth/client/${id}`, { disabled: true }],
      ['get', `/api/v1/oauth/client/${id}/scope`],
      ['put', `/api/v1/oauth/client/${id}/scope`, []],
      ['get', `/api/v1/oauth/client/${id}/permissions`],
      ['put', `/api/v1/oauth/client/${id}/permissions`, []],
      ['post', `/api/v1/oauth/client/${id}/secret`],
      ['delete', `/api/v1/oauth/client/${id}`],
    ];
    for (const token of [clientAdminA, accountAdminA]) {
      for (const [method, path, body] of attempts) {
        const response = await call(token, method, path, body);
        expect([method, path, response.status]).toEqual([method, path, 404]);
        expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: `No client with id ${id}` });
      }
    }
    expect((await realmToken(gatehouse, 'org-b', victimB)).length).toBeGreaterThan(0);
  });

  it("does not let a client create clients in another organization", async () => {
    const response = await call(accountAdminA, 'post', '/api/v1/oauth/client', { scopes: [], organization: 'org-b' });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ message: 'No organization named org-b' });
  });

  it('does not let anyone grant a permission or scope they do not hold', async () => {
    const escalate = await call(clientAdminA, 'post', '/api/v1/oauth/client', { scopes: [], permissions: ['administer-account'] });
    expect(escalate.status).toBe(403);
    expect(escalate.body).toMatchObject({ message: 'You cannot grant permissions you do not hold: administer-account' });
    const scope = await call(clientAdminA, 'post', '/api/v1/oauth/client', { scopes: ['organization:update'] });
    expect(scope.status).toBe(403);
    const unknown = await call(clientAdminA, 'post', '/api/v1/oauth/client', { scopes: [], permissions: ['god-mode'] });
    expect(unknown.status).toBe(400);
    const self = await call(clientAdminA, 'put', `/api/v1/oauth/client/${victimB.client_id}/permissions`, ['administer-account']);
    expect(self.status).toBe(404);
  });

  it('lets only administer-account (or root) manage the organization itself', async () => {
    expect((await call(accountAdminA, 'get', '/api/v1/organizations/org-a')).status).toBe(200);
    expect((await call(accountAdminA, 'put', '/api/v1/organizations/org-a', { display_name: 'Org A' })).body).toMatchObject({ display_name: 'Org A' });
    expect(((await call(accountAdminA, 'get', '/api/v1/organizations')).body as { name: string }[]).map((org) => org.name)).toEqual(['org-a']);
    const weak = await call(clientAdminA, 'put', '/api/v1/organizations/org-a', { display_name: 'x' });
    expect(weak.status).toBe(403);
    expect(weak.body).toMatchObject({ error: 'insufficient_scope', scope: 'organization:update' });
    expect((await call(accountAdminA, 'post', '/api/v1/organizations', { name: 'org-c', display_name: 'C' })).status).toBe(403);
    expect((await call(accountAdminA, 'delete', '/api/v1/organizations/org-a')).status).toBe(403);
  });

  it("hides other organizations and their projects: 404 on every organization, project and resource endpoint", async () => {
    const attempts: [string, Method, string, unknown?][] = [
      [accountAdminA, 'get', '/api/v1/organizations/org-b'],
      [accountAdminA, 'put', '/api/v1/organizations/org-b', { display_name: 'pwned' }],
      [accountAdminA, 'get', '/api/v1/organizations/org-b/projects'],
      [accountAdminA, 'post', '/api/v1/organizations/org-b/projects', { name: 'x' }],
      [accountAdminA, 'get', `/api/v1/organizations/org-b/projects/${projectB.id}`],
      [accountAdminA, 'put', `/api/v1/organizations/org-b/projects/${projectB.id}`, { name: 'x' }],
      [accountAdminA, 'delete', `/api/v1/organizations/org-b/projects/${projectB.id}`],
      [accountAdminA, 'get', `/api/v1/organizations/org-a/projects/${projectB.id}`],
      [plainA, 'get', `/v1/projects/${projectB.id}/tables`],
    ];
    for (const [token, method, path, body] of attempts) {
      const response = await call(token, method, path, body);
      expect([method, path, response.status]).toEqual([method, path, 404]);
    }
    const stillThere = await call(accountAdminB, 'get', `/api/v1/organizations/org-b/projects/${projectB.id}`);
    expect(stillThere.body).toMatchObject({ name: 'secret-project' });
    expect((await call(accountAdminB, 'get', '/api/v1/organizations/org-b')).body).toMatchObject({ display_name: 'org-b' });
  });

  it('keeps policies and rules per organization', async () => {
    const writerA = await realmToken(gatehouse, 'org-a', await createClientIn(gatehouse, 'org-a', { scopes: ['policy:create_or_update', 'policy:read'] }));
    expect((await call(writerA, 'post', '/api/v1/policy', { key: 'shared_key', name: 'A policy' })).status).toBe(201);
    const writerB = await realmToken(gatehouse, 'org-b', await createClientIn(gatehouse, 'org-b', { scopes: ['policy:create_or_update', 'policy:read'] }));
    expect((await call(writerB, 'post', '/api/v1/policy', { key: 'shared_key', name: 'B policy' })).status).toBe(201);
    expect(((await call(writerA, 'get', '/api/v1/policy')).body as { items: { name: string }[] }).items.map((policy) => policy.name)).toEqual(['A policy']);
    expect((await call(writerB, 'get', '/api/v1/policy/shared_key')).body).toMatchObject({ name: 'B policy' });
  });

  it('answers 403 for a too-weak token on every guarded endpoint', async () => {
    const weak = await realmToken(gatehouse, 'org-a', await createClientIn(gatehouse, 'org-a', { scopes: [] }));
    const routes: [Method, string][] = [
      ['get', '/api/v1/organizations'],
      ['post', '/api/v1/organizations'],
      ['put', '/api/v1/organizations/org-a'],
      ['delete', '/api/v1/organizations/org-a'],
      ['get', '/api/v1/organizations/org-a/projects'],
      ['post', '/api/v1/organizations/org-a/projects'],
      ['get', '/api/v1/oauth/role'],
      ['get', '/api/v1/oauth/client/x/permissions'],
      ['put', '/api/v1/oauth/client/x/permissions'],
      ['get', `/v1/projects/${projectB.id}/tables`],
      ['post', `/v1/projects/${projectB.id}/tables`],
      ['get', '/api/v1/policy'],
      ['post', '/api/v1/policy'],
      ['patch', '/api/v1/policy'],
      ['get', '/api/v1/rule'],
      ['post', '/api/v1/rule'],
      ['patch', '/api/v1/rule'],
    ];
    for (const [method, path] of routes) {
      const response = await call(weak, method, path);
      expect([method, path, response.status]).toEqual([method, path, 403]);
      expect((response.body as { error: string }).error).toBe('insufficient_scope');
    }
    const root = await tokenFor(gatehouse, ROOT);
    expect((await call(root, 'get', '/api/v1/organizations')).status).toBe(200);
  });
});
