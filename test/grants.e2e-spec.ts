import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { migrations } from '../src/database/migrations/index.js';
import { ClientGrantTypes1764420000000 } from '../src/database/migrations/1764420000000-client-grant-types.js';
import { Browser, location, pkce } from './support/browser.js';
import { basic, type Credentials, createClient, ROOT, tokenFor } from './support/oauth.js';
import { type TestApp, emptyDatabaseUrl, startApp } from './support/test-app.js';

const TOKEN = '/api/v1/oauth/token';
const REDIRECT = 'https://app.example.com/callback';

/**
 * Grants as data: each grant reads only the parameters it declares (RFC 6749 §3.2: the others are
 * ignored; a required one missing is invalid_request), and each client may use only its own
 * grant types (RFC 7591 `grant_types`; another is unauthorized_client, RFC 6749 §5.2).
 */
describe('grant parameters', () => {
  let gatehouse: TestApp;
  let confidential: Credentials;
  let publicApp: string;

  beforeAll(async () => {
    gatehouse = await startApp();
    confidential = await createClient(gatehouse, { name: 'server app', redirect_uris: [REDIRECT], scopes: ['openid', 'scope:read'] });
    publicApp = (await createClient(gatehouse, { name: 'browser app', public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'email'] })).client_id;
  });
  afterAll(() => gatehouse.close());

  const token = (params: Record<string, string>) => gatehouse.http().post(TOKEN).type('form').send(params);

  /** A code for the public app, and the verifier that redeems it. */
  async function codeForPublicApp(): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkce();
    const back = await new Browser(gatehouse).authorizeAndDecide({ response_type: 'code', client_id: publicApp, redirect_uri: REDIRECT, scope: 'openid email', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
    const code = location(back).searchParams.get('code');
    if (!code) throw new Error(`no code: ${back.status} ${back.headers.location ?? back.text}`);
    return { code, verifier };
  }

  describe('client_credentials', () => {
    it('ignores parameters it does not declare, those of the other grants included', async () => {
      const response = await token({ grant_type: 'client_credentials', ...confidential, scope: 'scope:read', code: 'not-a-code', refresh_token: 'not-a-token', redirect_uri: 'https://elsewhere.example/', made_up: 'x' });
      expect(response.status).toBe(200);
      expect((response.body as { scope: string }).scope).toBe('scope:read');
    });

    it('refuses a parameter sent twice with invalid_request', async () => {
      const response = await gatehouse.http().post(TOKEN).type('form').send(`grant_type=client_credentials&client_id=${confidential.client_id}&client_secret=${confidential.client_secret}&scope=openid&scope=scope:read`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', error_description: 'The parameter scope is repeated; send each parameter once' });
    });
  });

  describe('authorization_code', () => {
    it('refuses a request without code with invalid_request, naming the parameter', async () => {
      const response = await token({ grant_type: 'authorization_code', client_id: publicApp, redirect_uri: REDIRECT, code_verifier: pkce().verifier });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', error_description: 'The code parameter is missing' });
      const empty = await token({ grant_type: 'authorization_code', client_id: publicApp, code: '' });
      expect(empty.body).toEqual({ error: 'invalid_request', error_description: 'The code parameter is missing' });
    });

    it('redeems a code whatever undeclared parameters come with it (a scope among them, which it does not read)', async () => {
      const { code, verifier } = await codeForPublicApp();
      const response = await token({ grant_type: 'authorization_code', client_id: publicApp, code, code_verifier: verifier, redirect_uri: REDIRECT, scope: 'not:held', refresh_token: 'x', made_up: 'y' });
      expect(response.status).toBe(200);
      expect((response.body as { scope: string }).scope).toBe('openid email');
    });
  });

  describe('refresh_token', () => {
    it('refuses a request without refresh_token with invalid_request, naming the parameter', async () => {
      const response = await token({ grant_type: 'refresh_token', client_id: publicApp, scope: 'openid' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', error_description: 'The refresh_token parameter is missing' });
    });

    it('refreshes whatever undeclared parameters come with it (a code among them, which it does not read)', async () => {
      const { code, verifier } = await codeForPublicApp();
      const issued = (await token({ grant_type: 'authorization_code', client_id: publicApp, code, code_verifier: verifier, redirect_uri: REDIRECT })).body as { refresh_token: string };
      const response = await token({ grant_type: 'refresh_token', client_id: publicApp, refresh_token: issued.refresh_token, scope: 'openid', code: 'not-a-code', code_verifier: 'v', made_up: 'z' });
      expect(response.status).toBe(200);
      expect((response.body as { scope: string }).scope).toBe('openid');
    });
  });
});

describe('client grant types', () => {
  let gatehouse: TestApp;
  let root: string;

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
  });
  afterAll(() => gatehouse.close());

  const api = () => gatehouse.http();
  const getClient = async (id: string) => (await api().get(`/api/v1/oauth/client/${id}`).set('Authorization', `Bearer ${root}`)).body as { grant_types: string[] };

  it('defaults by client type: a confidential client every grant, a public client the user grants', async () => {
    const confidential = await createClient(gatehouse, { scopes: [] });
    const browserApp = await createClient(gatehouse, { public: true, redirect_uris: [REDIRECT], scopes: ['openid'] });
    expect((await getClient(confidential.client_id)).grant_types).toEqual(['client_credentials', 'authorization_code', 'refresh_token']);
    expect((await getClient(browserApp.client_id)).grant_types).toEqual(['authorization_code', 'refresh_token']);
  });

  it('refuses a grant type the server does not support, and client_credentials for a public client', async () => {
    const create = (body: Record<string, unknown>) => api().post('/api/v1/oauth/client').set('Authorization', `Bearer ${root}`).send({ scopes: [], ...body });
    const unknown = await create({ grant_types: ['password'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'each grant type must be one of: client_credentials, authorization_code, refresh_token, urn:ietf:params:oauth:grant-type:device_code, urn:ietf:params:oauth:grant-type:token-exchange' });
    const publicCredentials = await create({ public: true, redirect_uris: [REDIRECT], grant_types: ['client_credentials'] });
    expect(publicCredentials.status).toBe(400);
    expect(publicCredentials.body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'A public client cannot use the client_credentials grant: it has no secret' });

    const browserApp = await createClient(gatehouse, { public: true, redirect_uris: [REDIRECT], scopes: [] });
    const update = await api().put(`/api/v1/oauth/client/${browserApp.client_id}`).set('Authorization', `Bearer ${root}`).send({ grant_types: ['client_credentials', 'authorization_code'] });
    expect(update.status).toBe(400);
    expect((await getClient(browserApp.client_id)).grant_types).toEqual(['authorization_code', 'refresh_token']);
  });

  it('refuses at the token endpoint a grant the client may not use, with unauthorized_client, until it is given that grant', async () => {
    const client = await createClient(gatehouse, { scopes: [], redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] });
    const request = () => api().post(TOKEN).set('Authorization', basic(client)).type('form').send({ grant_type: 'client_credentials' });
    const refused = await request();
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'unauthorized_client', error_description: 'The client may not use the client_credentials grant; its grant types: authorization_code, refresh_token' });
    // The admin API's token for the client is the same grant, refused the same way.
    const issued = await api().post(`/api/v1/oauth/client/${client.client_id}/token`).set('Authorization', `Bearer ${root}`).send({});
    expect(issued.status).toBe(400);

    const updated = await api().put(`/api/v1/oauth/client/${client.client_id}`).set('Authorization', `Bearer ${root}`).send({ grant_types: ['client_credentials'] });
    expect(updated.status).toBe(200);
    expect((updated.body as { grant_types: string[] }).grant_types).toEqual(['client_credentials']);
    expect((await request()).status).toBe(200);
  });

  it('sends a client that may not use authorization_code back with unauthorized_client from the authorization endpoint', async () => {
    const client = await createClient(gatehouse, { scopes: ['openid'], redirect_uris: [REDIRECT], grant_types: ['client_credentials'] });
    const response = await new Browser(gatehouse).authorize({ response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, scope: 'openid', state: 'st' });
    expect(response.status).toBe(302);
    const back = location(response);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('error')).toBe('unauthorized_client');
    expect(back.searchParams.get('state')).toBe('st');
  });
});

describe('client grant types migration', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    while (apps.length > 0) await apps.pop()!.close();
  });

  it('gives clients that existed before it what their type allowed: confidential every grant, public the user grants', async () => {
    const url = await emptyDatabaseUrl();
    const older = new DataSource({ ...dataSourceOptions(url), migrations: migrations.slice(0, migrations.indexOf(ClientGrantTypes1764420000000)) });
    await older.initialize();
    try {
      await older.runMigrations();
      const insert = 'INSERT INTO oauth_client (id, organization_id, secret_hash, scopes, permissions, is_root, disabled, redirect_uris, is_public, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
      const at = '2026-01-01 00:00:00.000';
      await older.query(insert, ['old-server', '00000000-0000-4000-8000-000000000000', 'unused', '["scope:read"]', '[]', 0, 0, '[]', 0, at, at]);
      await older.query(insert, ['old-browser', '00000000-0000-4000-8000-000000000000', '', '["openid"]', '[]', 0, 0, JSON.stringify([REDIRECT]), 1, at, at]);
    } finally {
      await older.destroy();
    }

    const app = await startApp({ databaseUrl: url });
    apps.push(app);
    const root = await tokenFor(app, ROOT);
    const grantTypesOf = async (id: string) => ((await app.http().get(`/api/v1/oauth/client/${id}`).set('Authorization', `Bearer ${root}`)).body as { grant_types: string[] }).grant_types;
    expect(await grantTypesOf('old-server')).toEqual(['client_credentials', 'authorization_code', 'refresh_token']);
    expect(await grantTypesOf('old-browser')).toEqual(['authorization_code', 'refresh_token']);

    // The confidential one keeps getting tokens (with a secret of its own now); the public one is kept to the user grants.
    const secret = ((await app.http().post('/api/v1/oauth/client/old-server/secret').set('Authorization', `Bearer ${root}`)).body as Credentials).client_secret;
    expect((await app.http().post(TOKEN).type('form').send({ grant_type: 'client_credentials', client_id: 'old-server', client_secret: secret })).status).toBe(200);
    const publicCredentials = await app.http().post(TOKEN).type('form').send({ grant_type: 'client_credentials', client_id: 'old-browser' });
    expect(publicCredentials.body).toMatchObject({ error: 'unauthorized_client' });
    const { challenge } = pkce();
    const authorize = await new Browser(app).authorize({ response_type: 'code', client_id: 'old-browser', redirect_uri: REDIRECT, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    expect(location(authorize).pathname).toBe('/oauth2/sign-in');
  });
});
