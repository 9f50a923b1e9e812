import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { type TestApp, startApp } from './support/test-app.js';
import { basic, createClient, type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, type Organization, realmToken, realmTokenRequest } from './support/tenants.js';

const BASE = 'http://localhost:8080';

describe('organizations as Keycloak-style realms', () => {
  let gatehouse: TestApp;
  let acme: Organization;
  let globex: Organization;
  let acmeClient: Credentials;
  let globexClient: Credentials;

  beforeAll(async () => {
    gatehouse = await startApp();
    acme = await createOrganization(gatehouse, { name: 'acme', display_name: 'ACME', oauth_enabled: true });
    globex = await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true, access_token_lifespan: 900 });
    acmeClient = await createClientIn(gatehouse, 'acme', { client_id: 'MPS-test', scopes: ['scope:read'] });
    globexClient = await createClientIn(gatehouse, 'globex', { scopes: ['scope:read'] });
  });
  afterAll(() => gatehouse.close());

  it('issues realm tokens at /auth/realms/{org}/... and /realms/{org}/..., with the realm issuer and organization claims', async () => {
    for (const prefix of ['/auth/realms', '/realms']) {
      const response = await gatehouse.http().post(`${prefix}/acme/protocol/openid-connect/token`).type('form').send({ grant_type: 'client_credentials', ...acmeClient });
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 300, refresh_expires_in: 0, 'not-before-policy': 0, scope: 'scope:read' });
      const { payload } = decodeJwt((response.body as { access_token: string }).access_token);
      expect(payload).toMatchObject({ iss: `${BASE}/auth/realms/acme`, client_id: 'MPS-test', sub: 'MPS-test', org_id: acme.id, org: 'acme' });
      expect((response.body as { expires_at: unknown }).expires_at).toBe(payload.exp);
      expect(payload.project_id).toBeUndefined();
    }
  });

  it('publishes realm discovery and certs that verify realm tokens', async () => {
    const discovery = await gatehouse.http().get('/auth/realms/acme/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(discovery.body).toMatchObject({
      issuer: `${BASE}/auth/realms/acme`,
      token_endpoint: `${BASE}/auth/realms/acme/protocol/openid-connect/token`,
      jwks_uri: `${BASE}/auth/realms/acme/protocol/openid-connect/certs`,
      grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      authorization_endpoint: `${BASE}/auth/realms/acme/protocol/openid-connect/auth`,
    });
    expect((await gatehouse.http().get('/realms/acme/.well-known/openid-configuration')).headers.location).toBe(`${BASE}/auth/realms/acme/.well-known/openid-configuration`);
    const certs = await gatehouse.http().get('/auth/realms/acme/protocol/openid-connect/certs');
    expect(certs.status).toBe(200);
    const token = await realmToken(gatehouse, 'acme', acmeClient);
    const { payload } = await jwtVerify(token, createLocalJWKSet(certs.body as never), { issuer: `${BASE}/auth/realms/acme`, audience: BASE, typ: 'at+jwt' });
    expect(payload.org).toBe('acme');
  });

  it('answers 404 for an unknown realm', async () => {
    for (const path of ['/auth/realms/nowhere/.well-known/openid-configuration', '/auth/realms/nowhere/protocol/openid-connect/certs']) {
      const response = await gatehouse.http().get(path);
      expect(response.status).toBe(404);
      expect((response.body as { message: string }).message).toBe('Realm nowhere does not exist');
    }
    const token = await realmTokenRequest(gatehouse, 'nowhere', acmeClient);
    expect(token.status).toBe(404);
    expect(token.body).toEqual({ error: 'invalid_request', error_description: 'Realm nowhere does not exist' });
  });

  it("refuses a client at another realm's endpoint exactly like an unknown client", async () => {
    const foreign = await realmTokenRequest(gatehouse, 'globex', acmeClient);
    const unknown = await realmTokenRequest(gatehouse, 'globex', { client_id: 'nobody', client_secret: 'x' });
    for (const response of [foreign, unknown]) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    const viaBasic = await gatehouse.http().post('/auth/realms/globex/protocol/openid-connect/token').set('Authorization', basic(acmeClient)).type('form').send({ grant_type: 'client_credentials' });
    expect(viaBasic.status).toBe(401);
    expect(viaBasic.headers['www-authenticate']).toMatch(/^Basic/);
    // The root client lives in the built-in realm.
    expect((await realmTokenRequest(gatehouse, 'acme', ROOT)).status).toBe(401);
    expect((await realmTokenRequest(gatehouse, 'default', ROOT)).status).toBe(200);
  });

  it('refuses a token whose issuer names another realm', async () => {
    const token = await realmToken(gatehouse, 'acme', acmeClient);
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(token).payload, iss: `${BASE}/auth/realms/globex` })).toString('base64url');
    const forged = await gatehouse.http().get('/api/v1/oauth/scope').set('Authorization', `Bearer ${header}.${payload}.${signature}`);
    expect(forged.status).toBe(401);
    expect((await gatehouse.http().get('/api/v1/oauth/scope').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });

  it('applies lifespan precedence: client, then organization, then server default', async () => {
    const own = await createClientIn(gatehouse, 'globex', { access_token_lifespan: 42 });
    const inherited = await realmTokenRequest(gatehouse, 'globex', globexClient);
    expect((inherited.body as { expires_in: number }).expires_in).toBe(900);
    expect(((await realmTokenRequest(gatehouse, 'globex', own)).body as { expires_in: number }).expires_in).toBe(42);
    const builtIn = await createClient(gatehouse, { scopes: [] });
    expect(((await realmTokenRequest(gatehouse, 'default', builtIn)).body as { expires_in: number }).expires_in).toBe(3600);
    const root = await tokenFor(gatehouse, ROOT);
    await gatehouse.http().put('/api/v1/organizations/globex').set('Authorization', `Bearer ${root}`).send({ access_token_lifespan: 120 }).expect(200);
    expect(((await realmTokenRequest(gatehouse, 'globex', globexClient)).body as { expires_in: number }).expires_in).toBe(120);
  });

  it('keeps OAuth off for a new organization until enabled, refusing tokens with unauthorized_client', async () => {
    await createOrganization(gatehouse, { name: 'initech' });
    const client = await createClientIn(gatehouse, 'initech', { scopes: ['scope:read'] });
    for (const response of [await realmTokenRequest(gatehouse, 'initech', client), await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', ...client })]) {
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'unauthorized_client', error_description: 'OAuth is not enabled for the organization initech' });
    }
    const root = await tokenFor(gatehouse, ROOT);
    await gatehouse.http().put('/api/v1/organizations/initech').set('Authorization', `Bearer ${root}`).send({ oauth_enabled: true }).expect(200);
    const token = await realmToken(gatehouse, 'initech', client);
    expect((await gatehouse.http().get('/api/v1/oauth/scope').set('Authorization', `Bearer ${token}`)).status).toBe(200);

    // Turning it off again refuses the tokens already issued, too.
    await gatehouse.http().put('/api/v1/organizations/initech').set('Authorization', `Bearer ${root}`).send({ oauth_enabled: false }).expect(200);
    const refused = await gatehouse.http().get('/api/v1/oauth/scope').set('Authorization', `Bearer ${token}`);
    expect(refused.status).toBe(401);
    expect((refused.body as { error_description: string }).error_description).toBe('OAuth is not enabled for the organization initech');
  });

  it('keeps the Fides token path working for the built-in organization, signing as the server', async () => {
    const token = await tokenFor(gatehouse, ROOT);
    expect(decodeJwt(token).payload).toMatchObject({ iss: BASE, org: 'default' });
    expect(globex.issuer).toBe(`${BASE}/auth/realms/globex`);
  });
});

describe('DEFAULT_ORGANIZATION', () => {
  it('names the built-in realm, home of the root client and of the clients made before organizations', async () => {
    const first = await startApp();
    const old = await createClient(first, { scopes: ['scope:read'] });
    await first.close();
    const renamed = await startApp({ databaseUrl: first.databaseUrl, env: { DEFAULT_ORGANIZATION: 'main' } });
    try {
      expect((await realmTokenRequest(renamed, 'main', old)).status).toBe(200);
      expect((await realmTokenRequest(renamed, 'main', ROOT)).status).toBe(200);
      expect((await realmTokenRequest(renamed, 'default', old)).status).toBe(404);
      const root = await tokenFor(renamed, ROOT);
      expect(decodeJwt(root).payload).toMatchObject({ iss: BASE, org: 'main' });
      await createOrganization(renamed, { name: 'taken', oauth_enabled: true });
    } finally {
      await renamed.close();
    }
    await expect(startApp({ databaseUrl: first.databaseUrl, env: { DEFAULT_ORGANIZATION: 'taken' } })).rejects.toThrow(/DEFAULT_ORGANIZATION=taken names an organization that already exists/);
  });
});
