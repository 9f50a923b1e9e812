import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, type Credentials, ROOT, tokenFor } from './support/oauth.js';

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const API_ERROR = { statusCode: 400, error: 'Bad Request' };

/**
 * Every body goes through one parser path (src/common/http/body-parsers.ts): what it refuses, it
 * refuses on every route, in that route's error format, and never as a 500.
 */
describe('request bodies', () => {
  let gatehouse: TestApp;
  let root: string;
  let reader: Credentials;
  const errorLog = jest.spyOn(Logger.prototype, 'error');

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
    reader = await createClient(gatehouse, { scopes: ['scope:read'] });
  });
  afterAll(async () => {
    errorLog.mockRestore();
    await gatehouse.close();
  });
  afterEach(() => {
    // A refused body is the caller's mistake: nothing is logged as an unexpected error (no stack).
    const logged = errorLog.mock.calls.map(([message]) => String(message));
    errorLog.mockClear();
    expect(logged).toEqual([]);
  });

  const json = (method: 'post' | 'put' | 'patch', path: string, text: string, contentType = 'application/json') =>
    gatehouse.http()[method](path).set('Authorization', `Bearer ${root}`).set('Content-Type', contentType).send(text);
  const clientCount = async () => ((await gatehouse.http().get('/api/v1/oauth/client').set('Authorization', `Bearer ${root}`).expect(200)).body as { total: number }).total;

  it('refuses a repeated key after a byte-order mark, on the API and on the token endpoint', async () => {
    const before = await clientCount();
    const api = await json('post', '/api/v1/oauth/client', '\uFEFF{"scopes":[],"scopes":["key:rotate"]}');
    expect(api.status).toBe(400);
    expect(api.body).toEqual({ ...API_ERROR, message: 'The JSON body repeats the key "scopes"' });
    expect(await clientCount()).toBe(before);
    const token = await gatehouse
      .http()
      .post('/api/v1/oauth/token')
      .set('Content-Type', 'application/json')
      .send(`\uFEFF{"grant_type":"client_credentials","client_id":"${reader.client_id}","client_secret":"${reader.client_secret}","scope":"scope:read","scope":"key:rotate"}`);
    expect(token.status).toBe(400);
    expect(token.body).toEqual({ error: 'invalid_request', error_description: "The JSON body repeats the key 'scope'" });
  });

  it('reads a body with a byte-order mark as the same body without it', async () => {
    const created = await json('post', '/api/v1/oauth/client', '\uFEFF{"scopes":["scope:read"],"name":"with a BOM"}');
    expect(created.status).toBe(201);
    const read = await gatehouse.http().get(`/api/v1/oauth/client/${(created.body as Credentials).client_id}`).set('Authorization', `Bearer ${root}`).expect(200);
    expect(read.body).toMatchObject({ name: 'with a BOM', scopes: ['scope:read'] });
  });

  it('refuses 3,000 levels of nesting with a 400, before validation, on every JSON route', async () => {
    const deep = `{"scopes":[],"name":${nested(3000)}}`;
    for (const [method, path] of [
      ['post', '/api/v1/oauth/client'],
      ['patch', '/api/v1/policy'],
      ['put', `/api/v1/oauth/client/${reader.client_id}`],
    ] as const) {
      const response = await json(method, path, method === 'patch' ? `[${deep}]` : deep);
      expect({ path, status: response.status, body: response.body as unknown }).toEqual({ path, status: 400, body: { ...API_ERROR, message: 'The JSON body is nested more than 32 levels deep' } });
    }
    const token = await gatehouse.http().post('/api/v1/oauth/token').set('Content-Type', 'application/json').send(`{"grant_type":${nested(3000)}}`);
    expect(token.status).toBe(400);
    expect(token.body).toEqual({ error: 'invalid_request', error_description: 'The JSON body is nested more than 32 levels deep' });
  });

  it('leaves nesting within the bound to validation, which refuses it with a 400', async () => {
    const atBound = `{"scopes":[],"name":${nested(31)}}`;
    const created = await json('post', '/api/v1/oauth/client', atBound);
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ ...API_ERROR, message: expect.stringContaining('name must be a string') });
    const policies = await json('patch', '/api/v1/policy', `[{"key":"deep","name":${nested(30)}}]`);
    expect(policies.status).toBe(400);
  });

  it('hides no repeated key beyond the nesting bound', async () => {
    const before = await clientCount();
    const response = await json('post', '/api/v1/oauth/client', `{"scopes":[],"scopes":["key:rotate"],"name":${nested(10_000)}}`);
    expect(response.status).toBe(400);
    expect(await clientCount()).toBe(before);
  });

  it('refuses a body in another charset than UTF-8 with 415', async () => {
    const api = await json('post', '/api/v1/oauth/client', '{"scopes":[]}', 'application/json; charset=utf-16le');
    expect(api.status).toBe(415);
    expect(api.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    const form = await gatehouse.http().post('/api/v1/oauth/token').set('Content-Type', 'application/x-www-form-urlencoded; charset=iso-8859-1').send('grant_type=client_credentials');
    expect(form.status).toBe(415);
    expect(form.body).toMatchObject({ error: 'invalid_request' });
    const utf8 = await json('post', '/api/v1/oauth/client', '{"scopes":[]}', 'application/json; charset=UTF-8');
    expect(utf8.status).toBe(201);
  });

  it('refuses content types it has no parser for, text/plain included', async () => {
    const text = await json('post', '/api/v1/oauth/client', '{"scopes":[]}', 'text/plain');
    expect(text.status).toBe(415);
    const token = await gatehouse.http().post('/api/v1/oauth/token').set('Content-Type', 'text/plain').send('grant_type=client_credentials');
    expect(token.status).toBe(415);
    expect(token.body).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a form that repeats a parameter on every OAuth endpoint (RFC 6749 §3.1) and on the pages', async () => {
    const { client_id, client_secret } = reader;
    for (const path of ['/api/v1/oauth/token', '/api/v1/oauth/revoke', '/api/v1/oauth/introspect']) {
      const body = `${new URLSearchParams({ grant_type: 'client_credentials', client_id, client_secret, token: 'x' })}&token=y&scope=scope:read&scope=key:rotate`;
      const response = await gatehouse.http().post(path).type('form').send(body);
      expect({ path, status: response.status, body: response.body as unknown }).toEqual({ path, status: 400, body: { error: 'invalid_request', error_description: expect.stringMatching(/^The parameter (token|scope) is repeated; send each parameter once$/) } });
    }
    const signIn = await gatehouse.http().post('/oauth2/sign-in').type('form').send('csrf_token=a&email=a%40example.com&email=b%40example.com&password=x');
    expect(signIn.status).toBe(400);
    expect(signIn.headers['content-type']).toMatch(/^text\/html/);
  });
});
