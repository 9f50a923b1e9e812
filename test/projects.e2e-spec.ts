import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { type TestApp, startApp } from './support/test-app.js';
import { type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, createProject, type Project, realmToken, realmTokenRequest } from './support/tenants.js';

describe('projects, project-scoped tokens and the protected APIs', () => {
  let gatehouse: TestApp;
  let strictClient: Credentials;
  let legacyClient: Credentials;
  let strictProject: Project;
  let otherStrictProject: Project;
  let legacyProject: Project;
  let foreignProject: Project;

  const get = (token: string, path: string) => gatehouse.http().get(path).set('Authorization', `Bearer ${token}`);
  const post = (token: string, path: string, body: object) => gatehouse.http().post(path).set('Authorization', `Bearer ${token}`).send(body);

  beforeAll(async () => {
    gatehouse = await startApp();
    await createOrganization(gatehouse, { name: 'strict', oauth_enabled: true });
    await createOrganization(gatehouse, { name: 'legacy', oauth_enabled: true, require_project_scoped_tokens: false });
    strictClient = await createClientIn(gatehouse, 'strict', { scopes: ['table:read', 'table:write'] });
    legacyClient = await createClientIn(gatehouse, 'legacy', { scopes: ['table:read', 'table:write'] });
    strictProject = await createProject(gatehouse, 'strict', 'analytics');
    otherStrictProject = await createProject(gatehouse, 'strict', 'marketing');
    legacyProject = await createProject(gatehouse, 'legacy', 'old');
    foreignProject = legacyProject;
  });
  afterAll(() => gatehouse.close());

  it('manages projects with UUID ids within an organization', async () => {
    const admin = await realmToken(gatehouse, 'strict', await createClientIn(gatehouse, 'strict', { permissions: ['administer-account'] }));
    const created = await post(admin, '/api/v1/organizations/strict/projects', { name: 'temp', description: 'scratch' });
    expect(created.status).toBe(201);
    const project = created.body as { id: string; scope: string; organization_id: string };
    expect(project.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(project.scope).toBe(`project-${project.id}`);
    expect((await get(admin, `/api/v1/organizations/strict/projects/${project.id}`)).body).toMatchObject({ name: 'temp', description: 'scratch' });
    const updated = await gatehouse.http().put(`/api/v1/organizations/strict/projects/${project.id}`).set('Authorization', `Bearer ${admin}`).send({ name: 'renamed' });
    expect(updated.body).toMatchObject({ name: 'renamed', description: 'scratch' });
    const listed = (await get(admin, '/api/v1/organizations/strict/projects')).body as { id: string }[];
    expect(listed.map((item) => item.id)).toEqual(expect.arrayContaining([project.id, strictProject.id]));
    expect((await gatehouse.http().delete(`/api/v1/organizations/strict/projects/${project.id}`).set('Authorization', `Bearer ${admin}`)).status).toBe(204);
    expect((await get(admin, `/api/v1/organizations/strict/projects/${project.id}`)).status).toBe(404);
    expect((await get(admin, '/api/v1/organizations/strict/projects/not-a-uuid')).status).toBe(400);
    expect((await post(admin, '/api/v1/organizations/strict/projects', { name: '' })).status).toBe(400);
  });

  it('issues a project-scoped token for scope=project-{id}, naming the project', async () => {
    const response = await realmTokenRequest(gatehouse, 'strict', strictClient, strictProject.scope);
    expect(response.status).toBe(200);
    const body = response.body as { scope: string; access_token: string };
    expect(body.scope).toBe(`table:read table:write ${strictProject.scope}`);
    expect(decodeJwt(body.access_token).payload).toMatchObject({ project_id: strictProject.id, org: 'strict', scope: body.scope });
    const narrowed = await realmTokenRequest(gatehouse, 'strict', strictClient, `table:read ${strictProject.scope}`);
    expect((narrowed.body as { scope: string }).scope).toBe(`table:read ${strictProject.scope}`);
  });

  it('refuses project scopes outside the client organization, unknown ones, and two at once', async () => {
    for (const scope of [foreignProject.scope, 'project-00000000-0000-4000-8000-00000000dead', 'project-nonsense']) {
      const response = await realmTokenRequest(gatehouse, 'strict', strictClient, scope);
      expect(response.status).toBe(400);
      expect((response.body as { error: string; error_description: string }).error).toBe('invalid_scope');
      expect((response.body as { error_description: string }).error_description).toMatch(/is not a project of organization strict/);
    }
    const two = await realmTokenRequest(gatehouse, 'strict', strictClient, `${strictProject.scope} ${otherStrictProject.scope}`);
    expect(two.body).toEqual({ error: 'invalid_scope', error_description: 'A token can be scoped to one project at most' });
  });

  it('where project-scoped tokens are required: the project token works, an organization token gets 403', async () => {
    const projectToken = await realmToken(gatehouse, 'strict', strictClient, strictProject.scope);
    const created = await post(projectToken, `/v1/projects/${strictProject.id}/tables`, { name: 'Koalas' });
    expect(created.status).toBe(201);
    // Written through the unit of work, with its audit event.
    const audited = (await gatehouse.app.get(DataSource).query("SELECT target_id, actor_id FROM audit_event WHERE action = 'table.created'")) as { target_id: string; actor_id: string }[];
    expect(audited).toEqual([{ target_id: (created.body as { id: string }).id, actor_id: strictClient.client_id }]);
    const list = await get(projectToken, `/v1/projects/${strictProject.id}/tables`);
    expect(list.status).toBe(200);
    const values = (list.body as { values: Record<string, unknown>[] }).values;
    expect(values).toHaveLength(1);
    expect(Object.keys(values[0]).sort()).toEqual(
      ['availability', 'createdByUser', 'createdOnTimestamp', 'description', 'id', 'modifiedByUser', 'modifiedOnTimestamp', 'name', 'partitioningGranularity', 'schemaMode', 'storagePolicy', 'totalDataSizeBytes', 'totalRows', 'type', 'version'].sort(),
    );
    expect(values[0]).toMatchObject({ name: 'Koalas', type: 'detail', availability: 'available', partitioningGranularity: 'day', schemaMode: 'flexible', createdByUser: { userId: strictClient.client_id } });

    const organizationToken = await realmToken(gatehouse, 'strict', strictClient);
    const refused = await get(organizationToken, `/v1/projects/${strictProject.id}/tables`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ message: `This project requires a project-scoped token: request one with scope=project-${strictProject.id}` });

    const wrongProject = await get(projectToken, `/v1/projects/${otherStrictProject.id}/tables`);
    expect(wrongProject.status).toBe(403);
    expect(wrongProject.body).toMatchObject({ message: `This access token is scoped to project ${strictProject.id}, not ${otherStrictProject.id}` });
  });

  it('where they are not required: an organization token reaches every project of its organization', async () => {
    const organizationToken = await realmToken(gatehouse, 'legacy', legacyClient);
    expect((await post(organizationToken, `/v1/projects/${legacyProject.id}/tables`, { name: 'T', type: 'aggregate' })).status).toBe(201);
    expect(((await get(organizationToken, `/v1/projects/${legacyProject.id}/tables`)).body as { values: { type: string }[] }).values[0].type).toBe('aggregate');
    const projectToken = await realmToken(gatehouse, 'legacy', legacyClient, legacyProject.scope);
    expect((await get(projectToken, `/v1/projects/${legacyProject.id}/tables`)).status).toBe(200);
  });

  it('refuses duplicate table names, bad bodies, and a missing scope; writes nothing', async () => {
    const token = await realmToken(gatehouse, 'legacy', legacyClient);
    const count = () => gatehouse.app.get(DataSource).query('SELECT COUNT(*) AS n FROM data_table') as Promise<{ n: number | string }[]>;
    const before = Number((await count())[0].n);
    expect((await post(token, `/v1/projects/${legacyProject.id}/tables`, { name: 'T' })).status).toBe(409);
    expect((await post(token, `/v1/projects/${legacyProject.id}/tables`, { name: 'U', type: 'weird' })).status).toBe(400);
    expect((await post(token, `/v1/projects/${legacyProject.id}/tables`, { name: 'U', extra: 1 })).status).toBe(400);
    const readOnly = await realmToken(gatehouse, 'legacy', legacyClient, 'table:read');
    const forbidden = await post(readOnly, `/v1/projects/${legacyProject.id}/tables`, { name: 'V' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ error: 'insufficient_scope', scope: 'table:write' });
    expect(Number((await count())[0].n)).toBe(before);
  });

  it('serves Fides policies and rules with their scopes', async () => {
    const writer = await realmToken(gatehouse, 'legacy', await createClientIn(gatehouse, 'legacy', { scopes: ['policy:read', 'policy:create_or_update', 'rule:read', 'rule:create_or_update'] }));
    const reader = await realmToken(gatehouse, 'legacy', await createClientIn(gatehouse, 'legacy', { scopes: ['policy:read', 'rule:read'] }));
    expect((await post(writer, '/api/v1/policy', { key: 'default_access_policy', name: 'Access' })).status).toBe(201);
    expect((await post(writer, '/api/v1/policy', { key: 'default_access_policy', name: 'Again' })).status).toBe(409);
    const patched = await gatehouse.http().patch('/api/v1/policy').set('Authorization', `Bearer ${writer}`).send([{ key: 'default_access_policy', name: 'Access v2', execution_timeframe: 7 }, { key: 'erasure', name: 'Erasure' }]);
    expect(patched.status).toBe(200);
    expect((patched.body as { succeeded: unknown[]; failed: unknown[] }).succeeded).toHaveLength(2);
    expect((await post(writer, '/api/v1/rule', { key: 'access_rule', name: 'Access rule', action_type: 'access', policy_key: 'default_access_policy' })).status).toBe(201);
    expect((await post(writer, '/api/v1/rule', { key: 'orphan', name: 'x', action_type: 'access', policy_key: 'missing' })).status).toBe(404);
    const rules = await gatehouse.http().patch('/api/v1/rule').set('Authorization', `Bearer ${writer}`).send([
      { key: 'erase_rule', name: 'Erase', action_type: 'erasure', policy_key: 'erasure' },
      { key: 'lost', name: 'Lost', action_type: 'access', policy_key: 'nope' },
    ]);
    expect(rules.body).toMatchObject({ succeeded: [{ key: 'erase_rule', policy_key: 'erasure' }], failed: [{ message: 'No policy with key nope', data: { key: 'lost' } }] });
    expect((await gatehouse.http().patch('/api/v1/rule').set('Authorization', `Bearer ${writer}`).send([{ key: 'bad', name: 'x', action_type: 'destroy', policy_key: 'erasure' }])).status).toBe(400);

    const policies = await get(reader, '/api/v1/policy');
    expect(policies.body).toMatchObject({ total: 2, page: 1, size: 50, pages: 1, items: [{ key: 'default_access_policy', name: 'Access v2', execution_timeframe: 7 }, { key: 'erasure' }] });
    expect(((await get(reader, '/api/v1/rule')).body as { items: { key: string }[] }).items.map((rule) => rule.key)).toEqual(['access_rule', 'erase_rule']);
    expect((await post(reader, '/api/v1/policy', { key: 'nope', name: 'x' })).status).toBe(403);
  });

  it('creates organizations with Polaris defaults and refuses bad ones (root only)', async () => {
    const root = await tokenFor(gatehouse, ROOT);
    const created = await post(root, '/api/v1/organizations', { name: 'umbrella', display_name: 'Umbrella Corp' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'umbrella', oauth_enabled: false, access_token_lifespan: 300, require_project_scoped_tokens: true, issuer: 'http://localhost:8080/auth/realms/umbrella' });
    expect((await post(root, '/api/v1/organizations', { name: 'umbrella', display_name: 'again' })).status).toBe(409);
    for (const name of ['Upper', 'has space', '-dash', 'x'.repeat(65), "o'hara"]) {
      const response = await post(root, '/api/v1/organizations', { name, display_name: 'x' });
      expect([name, response.status]).toEqual([name, 400]);
    }
    expect((await gatehouse.http().put('/api/v1/organizations/umbrella').set('Authorization', `Bearer ${root}`).send({ name: 'renamed' })).status).toBe(400);
    expect((await gatehouse.http().delete('/api/v1/organizations/default').set('Authorization', `Bearer ${root}`)).status).toBe(403);
    expect((await gatehouse.http().put('/api/v1/organizations/default').set('Authorization', `Bearer ${root}`).send({ oauth_enabled: false })).status).toBe(403);
  });

  it("deletes an organization with its clients and projects, and the clients' tokens stop working", async () => {
    const root = await tokenFor(gatehouse, ROOT);
    await createOrganization(gatehouse, { name: 'doomed', oauth_enabled: true, require_project_scoped_tokens: false });
    const client = await createClientIn(gatehouse, 'doomed', { scopes: ['table:read'] });
    const project = await createProject(gatehouse, 'doomed', 'p');
    const token = await realmToken(gatehouse, 'doomed', client);
    expect((await get(token, `/v1/projects/${project.id}/tables`)).status).toBe(200);
    expect((await gatehouse.http().delete('/api/v1/organizations/doomed').set('Authorization', `Bearer ${root}`)).status).toBe(204);
    expect((await get(token, `/v1/projects/${project.id}/tables`)).status).toBe(401);
    expect((await realmTokenRequest(gatehouse, 'doomed', client)).status).toBe(404);
    const rows = (await gatehouse.app.get(DataSource).query('SELECT COUNT(*) AS n FROM project WHERE id = ?', [project.id])) as { n: number | string }[];
    expect(Number(rows[0].n)).toBe(0);
  });
});
