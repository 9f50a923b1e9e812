import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { OAuthClientEntity } from '../src/clients/entities/oauth-client.entity.js';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, type Credentials, ROOT, tokenFor } from './support/oauth.js';

const CLIENTS = '/api/v1/oauth/client';

describe('client API', () => {
  let gatehouse: TestApp;
  let root: string;

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
  });
  afterAll(() => gatehouse.close());

  const as = (token: string) => ({
    get: (path: string) => gatehouse.http().get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string) => gatehouse.http().post(path).set('Authorization', `Bearer ${token}`),
    put: (path: string) => gatehouse.http().put(path).set('Authorization', `Bearer ${token}`),
    delete: (path: string) => gatehouse.http().delete(path).set('Authorization', `Bearer ${token}`),
  });
  const rows = () => gatehouse.app.get(DataSource).getRepository(OAuthClientEntity);
  const tokenRequest = (credentials: Credentials) => gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', ...credentials });

  it('creates a client and shows its secret once, storing only a hash', async () => {
    const response = await as(root).post(CLIENTS).send({ scopes: ['client:read'], name: 'exporter', description: 'nightly', access_token_lifespan: 120 });
    expect(response.status).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const created = response.body as Credentials;
    expect(Object.keys(created).sort()).toEqual(['client_id', 'client_secret']);
    expect(Buffer.from(created.client_secret, 'base64url').length).toBe(24);

    const row = await rows().findOneByOrFail({ id: created.client_id });
    expect(row.secretHash).not.toContain(created.client_secret);
    expect(row.secretHash).toMatch(/^hmac-sha256\$/);

    const read = await as(root).get(`${CLIENTS}/${created.client_id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ client_id: created.client_id, name: 'exporter', description: 'nightly', scopes: ['client:read'], access_token_lifespan: 120, disabled: false });
    expect(JSON.stringify(read.body)).not.toContain(created.client_secret);
    expect(JSON.stringify(read.body)).not.toContain('hmac-sha256');

    const token = await tokenRequest(created);
    expect(token.status).toBe(200);
    expect((token.body as { expires_in: number }).expires_in).toBe(120);
  });

  it('lists clients newest first in Fides page shape, without the root client or secrets', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await createClient(gatehouse, { scopes: [], name });
    const firstPage = await as(root).get(`${CLIENTS}?page=1&size=2`);
    expect(firstPage.status).toBe(200);
    const body = firstPage.body as { items: { client_id: string; name: string }[]; total: number; page: number; size: number; pages: number };
    const total = await rows().countBy({ isRoot: false });
    expect(body).toMatchObject({ total, page: 1, size: 2, pages: Math.ceil(total / 2) });
    expect(body.items.map((item) => item.name)).toEqual(['page-c', 'page-b']);
    const all = (await as(root).get(`${CLIENTS}?size=100`)).body as { items: { client_id: string }[] };
    expect(all.items.map((item) => item.client_id)).not.toContain(ROOT.client_id);
    // No secret or hash (the auth method name "client_secret_basic" is not one).
    expect(JSON.stringify(all)).not.toMatch(/"client_secret"|secret_?hash|hmac-sha256/i);
  });

  it('refuses bad paging parameters', async () => {
    for (const query of ['page=0', 'size=101', 'size=abc', 'page=1.5']) {
      const response = await as(root).get(`${CLIENTS}?${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
  });

  it('answers 404 for the root client and for unknown ids', async () => {
    for (const id of [ROOT.client_id, 'no-such-client']) {
      const response = await as(root).get(`${CLIENTS}/${id}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: `No client with id ${id}` });
    }
  });

  it('refuses over-long and malformed client ids with 400', async () => {
    for (const id of ['x'.repeat(65), encodeURIComponent("a' OR 1=1 --"), 'caf%C3%A9']) {
      const response = await as(root).get(`${CLIENTS}/${id}`);
      expect(response.status).toBe(400);
      expect((response.body as { message: string }).message).toMatch(/client_id must be/);
    }
  });

  it('updates name, description, scopes, lifespan and the disabled flag; fields left out stay', async () => {
    const client = await createClient(gatehouse, { scopes: ['client:read'], name: 'before' });
    const response = await as(root).put(`${CLIENTS}/${client.client_id}`).send({ description: 'after', scopes: ['scope:read'], access_token_lifespan: 60 });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ name: 'before', description: 'after', scopes: ['scope:read'], access_token_lifespan: 60, disabled: false });
    const token = await tokenRequest(client);
    expect(token.body).toMatchObject({ scope: 'scope:read', expires_in: 60 });
  });

  it('reads and replaces scopes at /scope with a bare JSON array', async () => {
    const client = await createClient(gatehouse, { scopes: ['client:read'] });
    expect((await as(root).get(`${CLIENTS}/${client.client_id}/scope`)).body).toEqual(['client:read']);
    const replaced = await as(root).put(`${CLIENTS}/${client.client_id}/scope`).send(['scope:read', 'client:update']);
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual(['scope:read', 'client:update']);
    for (const body of [{ scopes: ['scope:read'] }, ['scope:read', 'scope:read'], [42], ['has space']]) {
      const bad = await as(root).put(`${CLIENTS}/${client.client_id}/scope`).send(body);
      expect(bad.status).toBe(400);
    }
    expect((await rows().findOneByOrFail({ id: client.client_id })).scopes).toEqual(['scope:read', 'client:update']);
  });

  it('refuses unknown scopes with 400 naming them, writing nothing', async () => {
    const before = await rows().count();
    const response = await as(root).post(CLIENTS).send({ scopes: ['client:read', 'made:up', 'also:fake'] });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Unknown scopes: made:up, also:fake' });
    expect(await rows().count()).toBe(before);
  });

  it('lets a client assign only scopes it holds (no escalation through client:create)', async () => {
    const creator = await createClient(gatehouse, { scopes: ['client:create', 'client:read', 'client:update'] });
    const token = await tokenFor(gatehouse, creator);
    const before = await rows().count();

    const escalate = await as(token).post(CLIENTS).send({ scopes: ['client:delete'] });
    expect(escalate.status).toBe(403);
    expect(escalate.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'You cannot assign scopes you do not hold: client:delete' });
    expect(await rows().count()).toBe(before);

    const allowed = await as(token).post(CLIENTS).send({ scopes: ['client:read'] });
    expect(allowed.status).toBe(201);
    const childId = (allowed.body as Credentials).client_id;
    const widen = await as(token).put(`${CLIENTS}/${childId}`).send({ scopes: ['key:rotate'] });
    expect(widen.status).toBe(403);
    const widenScope = await as(token).put(`${CLIENTS}/${childId}/scope`).send(['key:rotate']);
    expect(widenScope.status).toBe(403);
    expect((await rows().findOneByOrFail({ id: childId })).scopes).toEqual(['client:read']);
  });

  it('regenerates a secret: the new one works, the old one fails at once', async () => {
    const client = await createClient(gatehouse, { scopes: [] });
    expect((await tokenRequest(client)).status).toBe(200);
    const response = await as(root).post(`${CLIENTS}/${client.client_id}/secret`);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const renewed = response.body as Credentials;
    expect(renewed.client_id).toBe(client.client_id);
    expect(renewed.client_secret).not.toBe(client.client_secret);
    expect((await tokenRequest(client)).status).toBe(401);
    expect((await tokenRequest(renewed)).status).toBe(200);
  });

  it('disables a client: no new tokens, existing tokens refused for good; enabling allows new tokens only', async () => {
    const client = await createClient(gatehouse, { scopes: ['scope:read'] });
    const token = await tokenFor(gatehouse, client);
    expect((await as(token).get('/api/v1/oauth/scope')).status).toBe(200);
    expect((await as(root).put(`${CLIENTS}/${client.client_id}`).send({ disabled: true })).status).toBe(200);

    expect((await tokenRequest(client)).body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    const refused = await as(token).get('/api/v1/oauth/scope');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');

    const disabled = await as(root).get(`${CLIENTS}/${client.client_id}`);
    expect(disabled.body).toMatchObject({ disabled: true, not_before: expect.any(String) });

    expect((await as(root).put(`${CLIENTS}/${client.client_id}`).send({ disabled: false })).status).toBe(200);
    // A token from before the client was disabled stays refused: disabling pushed its not-before.
    expect((await as(token).get('/api/v1/oauth/scope')).status).toBe(401);
    const fresh = await tokenFor(gatehouse, client);
    expect((await as(fresh).get('/api/v1/oauth/scope')).status).toBe(200);
  });

  it('deletes a client: 204, then 404, and its tokens are refused', async () => {
    const client = await createClient(gatehouse, { scopes: ['scope:read'] });
    const token = await tokenFor(gatehouse, client);
    expect((await as(root).delete(`${CLIENTS}/${client.client_id}`)).status).toBe(204);
    expect((await as(root).get(`${CLIENTS}/${client.client_id}`)).status).toBe(404);
    expect((await as(root).delete(`${CLIENTS}/${client.client_id}`)).status).toBe(404);
    expect((await as(token).get('/api/v1/oauth/scope')).status).toBe(401);
    expect((await tokenRequest(client)).status).toBe(401);
  });

  it('never deletes, narrows, disables or re-keys the root client through the API', async () => {
    const attempts = [
      as(root).delete(`${CLIENTS}/${ROOT.client_id}`),
      as(root).put(`${CLIENTS}/${ROOT.client_id}`).send({ scopes: [] }),
      as(root).put(`${CLIENTS}/${ROOT.client_id}`).send({ disabled: true }),
      as(root).put(`${CLIENTS}/${ROOT.client_id}/scope`).send([]),
      as(root).post(`${CLIENTS}/${ROOT.client_id}/secret`),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect((response.body as { message: string }).message).toMatch(/root client/);
    }
    expect((await tokenRequest(ROOT)).status).toBe(200);
  });

  it('guards every route with its scope: 401 without a token, 403 with the wrong scope', async () => {
    const weak = await tokenFor(gatehouse, await createClient(gatehouse, { scopes: ['scope:read'] }));
    const routes: [string, string, string][] = [
      ['post', CLIENTS, 'client:create'],
      ['get', CLIENTS, 'client:read'],
      ['get', `${CLIENTS}/x`, 'client:read'],
      ['put', `${CLIENTS}/x`, 'client:update'],
      ['get', `${CLIENTS}/x/scope`, 'client:read'],
      ['put', `${CLIENTS}/x/scope`, 'client:update'],
      ['post', `${CLIENTS}/x/secret`, 'client:update'],
      ['delete', `${CLIENTS}/x`, 'client:delete'],
      ['get', '/api/v1/oauth/keys', 'key:read'],
      ['post', '/api/v1/oauth/keys/rotate', 'key:rotate'],
    ];
    for (const [method, path, scope] of routes) {
      const anonymous = await (gatehouse.http() as unknown as Record<string, (path: string) => Promise<{ status: number; headers: Record<string, string> }>>)[method](path);
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="gatehouse", resource_metadata="http://localhost:8080/.well-known/oauth-protected-resource"');
      const forbidden = await (as(weak) as Record<string, (path: string) => Promise<{ status: number; body: unknown }>>)[method](path);
      expect([method, path, forbidden.status]).toEqual([method, path, 403]);
      expect(forbidden.body).toMatchObject({ error: 'insufficient_scope', scope });
    }
  });

  describe('bad input', () => {
    it.each([
      ['unknown fields', { scopes: [], admin: true }, /property admin should not exist/],
      ['scopes missing', { name: 'x' }, /scopes must be an array/],
      ['scopes not an array', { scopes: 'client:read' }, /scopes must be an array/],
      ['duplicated scopes', { scopes: ['client:read', 'client:read'] }, /scopes's elements must be unique/],
      ['a too-long name', { scopes: [], name: 'n'.repeat(201) }, /name must be shorter/],
      ['a zero lifespan', { scopes: [], access_token_lifespan: 0 }, /access_token_lifespan must not be less than 1/],
      ['a fractional lifespan', { scopes: [], access_token_lifespan: 1.5 }, /access_token_lifespan must be an integer/],
      ['a wrong type for disabled on create', { scopes: [], disabled: true }, /property disabled should not exist/],
    ])('refuses %s with 400 and writes nothing', async (_case, body, message) => {
      const before = await rows().count();
      const response = await as(root).post(CLIENTS).send(body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect((response.body as { message: string }).message).toMatch(message);
      expect(await rows().count()).toBe(before);
    });

    it('refuses malformed JSON, a wrong content type and an oversized body with a JSON error', async () => {
      const malformed = await as(root).post(CLIENTS).set('Content-Type', 'application/json').send('{"scopes": [');
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      const xml = await as(root).post(CLIENTS).set('Content-Type', 'application/xml').send('<scopes/>');
      expect(xml.status).toBe(415);
      expect(xml.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
      const huge = await as(root).post(CLIENTS).send({ scopes: [], description: 'd'.repeat(70 * 1024) });
      expect(huge.status).toBe(413);
      expect(huge.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large', message: 'Request body is too large' });
    });

    it('refuses a JSON body that repeats a key, at any depth', async () => {
      const before = await rows().count();
      const top = await as(root).post(CLIENTS).set('Content-Type', 'application/json').send('{"scopes": [], "scopes": ["client:create"]}');
      expect(top.status).toBe(400);
      expect(top.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'The JSON body repeats the key "scopes"' });
      const nested = await as(root).put(`${CLIENTS}/x/scope`).set('Content-Type', 'application/json').send('[{"a": 1, "a": 2}]');
      expect(nested.status).toBe(400);
      expect(await rows().count()).toBe(before);
    });

    it('stores SQL metacharacters, NUL bytes and long unicode as plain data', async () => {
      const name = `Robert'); DROP TABLE oauth_client;-- \u00e9\u4e2d\u{1F600}`;
      const client = await createClient(gatehouse, { scopes: [], name, description: '\u4e2d'.repeat(1000) });
      const read = await as(root).get(`${CLIENTS}/${client.client_id}`);
      expect(read.body).toMatchObject({ name, description: '\u4e2d'.repeat(1000) });
      const nul = await as(root).post(CLIENTS).send({ scopes: [], name: 'a\u0000b' });
      expect(nul.status).toBe(201);
      expect((await as(root).get(`${CLIENTS}/${(nul.body as Credentials).client_id}`)).body).toMatchObject({ name: 'a\u0000b' });
    });
  });
});
