import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, createProject, realmToken } from './support/tenants.js';

const CLIENTS = '/api/v1/oauth/client';

interface AuditEvent {
  id: string;
  occurred_at: string;
  actor: { type: string; id: string };
  organization_id: string | null;
  action: string;
  target: { type: string; id: string };
  source_ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

interface AuditPage {
  events: AuditEvent[];
  next_cursor: string | null;
}

describe('audit trail', () => {
  let gatehouse: TestApp;
  let root: string;
  const secrets: string[] = [];
  const tokens: string[] = [];

  const as = (token: string) => ({
    get: (path: string) => gatehouse.http().get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string) => gatehouse.http().post(path).set('Authorization', `Bearer ${token}`),
    put: (path: string) => gatehouse.http().put(path).set('Authorization', `Bearer ${token}`),
    delete: (path: string) => gatehouse.http().delete(path).set('Authorization', `Bearer ${token}`),
  });
  const audit = async (token: string, query = ''): Promise<AuditPage> => {
    const response = await as(token).get(`/api/v1/audit${query}`);
    if (response.status !== 200) throw new Error(`audit: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as AuditPage;
  };

  let client: Credentials;

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
    client = await createClient(gatehouse, { client_id: 'audited', scopes: ['scope:read'] });
    secrets.push(client.client_secret);
    const request = (method: 'put' | 'post' | 'delete', path: string, body?: unknown) => {
      const call = as(root)[method](path).set('X-Request-Id', `audit-test-${method}`);
      return body === undefined ? call : call.send(body as object);
    };
    await request('put', `${CLIENTS}/audited`, { name: 'Audited client' });
    await request('put', `${CLIENTS}/audited/scope`, ['scope:read', 'client:read']);
    await request('put', `${CLIENTS}/audited/permissions`, ['administer-clients']);
    const regenerated = await request('post', `${CLIENTS}/audited/secret`);
    secrets.push((regenerated.body as Credentials).client_secret);
    const issued = await request('post', `${CLIENTS}/audited/token`);
    tokens.push((issued.body as { access_token: string }).access_token);
    await request('post', `${CLIENTS}/audited/not-before`);
    await request('put', `${CLIENTS}/audited`, { disabled: true });
    await request('put', `${CLIENTS}/audited`, { disabled: false });
    const own = await tokenFor(gatehouse, { client_id: 'audited', client_secret: secrets[1] });
    tokens.push(own);
    await gatehouse.http().post('/api/v1/oauth/revoke').type('form').send({ token: own, client_id: 'audited', client_secret: secrets[1] });
    await request('delete', `${CLIENTS}/audited`);
  });
  afterAll(() => gatehouse.close());

  it('records every change to a client with actor, organization, target, source IP and request id, newest first', async () => {
    const page = await audit(root, '?target=audited');
    expect(page.events.map((event) => event.action)).toEqual([
      'client.deleted',
      'client.enabled',
      'client.disabled',
      'client.not_before_pushed',
      'client.token_issued',
      'client.secret_regenerated',
      'client.permissions_changed',
      'client.scopes_changed',
      'client.updated',
      'client.created',
    ]);
    for (const event of page.events) {
      expect(event).toMatchObject({ actor: { type: 'client', id: ROOT.client_id }, target: { type: 'client', id: 'audited' }, organization_id: '00000000-0000-4000-8000-000000000000' });
      expect(event.source_ip).toMatch(/127\.0\.0\.1/);
      expect(event.request_id).toEqual(expect.any(String));
      expect(Date.parse(event.occurred_at)).not.toBeNaN();
    }
    const byAction = Object.fromEntries(page.events.map((event) => [event.action, event]));
    expect(byAction['client.scopes_changed'].details).toEqual({ previous: ['scope:read'], scopes: ['scope:read', 'client:read'] });
    expect(byAction['client.secret_regenerated'].details).toEqual({ revoke_tokens: true });
    expect(byAction['client.token_issued'].details).toEqual({ jti: decodeJwt(tokens[0]).payload.jti, scope: expect.any(String) });
  });

  it('records revocations by the client that made them, naming the token by its jti', async () => {
    const page = await audit(root, '?action=token.revoked&actor=audited');
    expect(page.events).toHaveLength(1);
    expect(page.events[0]).toMatchObject({ actor: { type: 'client', id: 'audited' }, target: { type: 'token', id: decodeJwt(tokens[1]).payload.jti }, details: { client_id: 'audited' } });
  });

  it('records organization, project and signing key changes', async () => {
    const organization = await createOrganization(gatehouse, { name: 'audit-org', oauth_enabled: true });
    const project = await createProject(gatehouse, 'audit-org', 'Audited project');
    await as(root).put('/api/v1/organizations/audit-org').send({ display_name: 'Audited org' });
    await as(root).post('/api/v1/organizations/audit-org/not-before');
    await as(root).delete(`/api/v1/organizations/audit-org/projects/${project.id}`);
    await as(root).post('/api/v1/oauth/keys/rotate');
    const events = (await audit(root, '?limit=200')).events;
    const actions = events.map((event) => `${event.action} ${event.target.id}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `organization.created ${organization.id}`,
        `organization.updated ${organization.id}`,
        `organization.not_before_pushed ${organization.id}`,
        `project.created ${project.id}`,
        `project.deleted ${project.id}`,
      ]),
    );
    expect(events.find((event) => event.action === 'signing_key.rotated')).toMatchObject({ organization_id: null, target: { type: 'signing-key' } });
  });

  it('filters by action, actor, target and time range, and pages by cursor without gaps or repeats', async () => {
    const all = (await audit(root, '?limit=200')).events;
    expect(all.length).toBeGreaterThan(10);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: AuditPage = await audit(root, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.events.length).toBeLessThanOrEqual(3);
      seen.push(...page.events.map((event) => event.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.map((event) => event.id));

    const created = await audit(root, '?action=client.created&target=audited');
    expect(created.events).toHaveLength(1);
    const future = await audit(root, `?since=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(future.events).toEqual([]);
    // `until` keeps exactly the events before it: pick a time with some events before it and some not.
    const olderThan = (time: number) => all.filter((event) => Date.parse(event.occurred_at) < time).map((event) => event.id);
    const pivot = all.find((event) => olderThan(Date.parse(event.occurred_at)).length > 0)!;
    expect(pivot).toBeDefined();
    const until = Date.parse(pivot.occurred_at);
    const past = await audit(root, `?limit=200&until=${encodeURIComponent(new Date(until).toISOString())}`);
    expect(past.events.map((event) => event.id)).toEqual(olderThan(until));
    expect(past.events.map((event) => event.id)).not.toContain(pivot.id);
  });

  it("shows an organization's administrators only their organization's events", async () => {
    await createOrganization(gatehouse, { name: 'audit-tenant', oauth_enabled: true });
    const admin = await createClientIn(gatehouse, 'audit-tenant', { permissions: ['administer-account'] });
    const adminToken = await realmToken(gatehouse, 'audit-tenant', admin);
    const created = await as(adminToken).post(CLIENTS).send({ scopes: ['client:read'], name: 'tenant app' });
    expect(created.status).toBe(201);
    const events = (await audit(adminToken, '?limit=200')).events;
    expect(events.length).toBeGreaterThanOrEqual(2);
    const organizationId = events[0].organization_id;
    expect(events.every((event) => event.organization_id === organizationId)).toBe(true);
    expect(events.map((event) => event.target.id)).not.toContain('audited');
    expect(events[0]).toMatchObject({ action: 'client.created', actor: { id: admin.client_id } });
  });

  it('never stores a secret or a token', async () => {
    const rows = await gatehouse.app.get(DataSource).query('SELECT * FROM audit_event');
    const dump = JSON.stringify(rows);
    for (const secret of [...secrets, ROOT.client_secret]) expect(dump).not.toContain(secret);
    for (const token of tokens) expect(dump).not.toContain(token.split('.')[2]);
  });

  it('needs audit:read, and refuses bad filters with 400', async () => {
    const reader = await tokenFor(gatehouse, await createClient(gatehouse, { scopes: ['client:read'] }));
    expect((await as(reader).get('/api/v1/audit')).status).toBe(403);
    expect((await gatehouse.http().get('/api/v1/audit')).status).toBe(401);
    for (const query of ['?cursor=abc', '?since=yesterday', '?limit=0', '?limit=201', '?action=DROP%20TABLE', '?unknown=1']) {
      const response = await as(root).get(`/api/v1/audit${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
  });

  it('writes nothing when the change itself is refused', async () => {
    const dataSource = gatehouse.app.get(DataSource);
    const count = async () => Number(((await dataSource.query('SELECT COUNT(*) AS n FROM audit_event')) as { n: number | string }[])[0].n);
    const before = await count();
    expect((await as(root).post(CLIENTS).send({ scopes: ['no:such-scope'] })).status).toBe(400);
    expect((await as(root).put(`${CLIENTS}/${ROOT.client_id}`).send({ disabled: true })).status).toBe(403);
    expect(await count()).toBe(before);
  });
});
