import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { createClientIn, createOrganization, realmTokenRequest } from './support/tenants.js';

const BASE = 'http://localhost:8080';

/** OpenID Connect Discovery 1.0 §3: the fields an OpenID Provider's metadata MUST carry. */
const OIDC_REQUIRED = ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'];
/** RFC 8414 §2: REQUIRED (authorization_endpoint too, since the code grant is supported). */
const RFC8414_REQUIRED = ['issuer', 'authorization_endpoint', 'token_endpoint', 'response_types_supported'];
/** Scopes that only routes acting across organizations require: the root client's. */
const PLATFORM_SCOPES = ['organization:create', 'organization:delete', 'key:read', 'key:rotate', 'metrics:read'];
const IDENTITY_SCOPES = new Set(['openid', 'profile', 'email']);

type Metadata = Record<string, unknown> & { issuer: string; scopes_supported: string[] };

describe('discovery documents', () => {
  let gatehouse: TestApp;

  beforeAll(async () => {
    gatehouse = await startApp();
    await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true });
    const admin = await createClientIn(gatehouse, 'acme', { scopes: ['api:create'] });
    const api = await gatehouse
      .http()
      .post('/api/v1/apis')
      .set('Authorization', `Bearer ${await realmTokenBody(admin)}`)
      .send({ identifier: 'https://orders.example.com', name: 'Orders', scopes: [{ name: 'orders:read', description: 'Read orders' }] });
    expect(api.status).toBe(201);
  });
  afterAll(() => gatehouse.close());

  async function realmTokenBody(credentials: { client_id: string; client_secret: string }): Promise<string> {
    const response = await realmTokenRequest(gatehouse, 'acme', credentials);
    expect(response.status).toBe(200);
    return (response.body as { access_token: string }).access_token;
  }

  async function fetchDocument(path: string): Promise<Metadata> {
    const response = await gatehouse.http().get(path);
    expect([path, response.status]).toEqual([path, 200]);
    return response.body as Metadata;
  }

  /** Each document's issuer with where it must be fetched from: the issuer plus the suffix (OIDC), or the well-known part inserted after the host (RFC 8414 §3.1). */
  const DOCUMENTS: readonly { path: string; issuer: string }[] = [
    { path: '/.well-known/openid-configuration', issuer: BASE },
    { path: '/.well-known/oauth-authorization-server', issuer: BASE },
    { path: '/auth/realms/acme/.well-known/openid-configuration', issuer: `${BASE}/auth/realms/acme` },
    { path: '/.well-known/openid-configuration/auth/realms/acme', issuer: `${BASE}/auth/realms/acme` },
    { path: '/.well-known/oauth-authorization-server/auth/realms/acme', issuer: `${BASE}/auth/realms/acme` },
  ];

  it('carries every REQUIRED field, with an issuer equal to the URL it was fetched under minus the well-known part', async () => {
    for (const { path, issuer } of DOCUMENTS) {
      const document = await fetchDocument(path);
      const missing = [...OIDC_REQUIRED, ...RFC8414_REQUIRED].filter((field) => document[field] === undefined);
      expect([path, missing]).toEqual([path, []]);
      expect([path, document.issuer]).toEqual([path, issuer]);
      const wellKnown = path.startsWith('/.well-known/') ? path.replace(/^\/\.well-known\/[^/]+/, '') : path.replace(/\/\.well-known\/openid-configuration$/, '');
      expect(`${BASE}${wellKnown}`).toBe(document.issuer);
      expect(document.response_types_supported).toContain('code');
      expect(document.subject_types_supported).toEqual(['public']);
    }
  });

  it('serves the same realm document at each of its well-known paths', async () => {
    const [first, ...others] = await Promise.all(DOCUMENTS.filter((document) => document.path.includes('/realms/')).map(({ path }) => fetchDocument(path)));
    for (const other of others) expect(other).toEqual(first);
  });

  it('redirects (308) the issuer-less /realms/{org} alias to the realm document, and answers 404 for an unknown realm everywhere', async () => {
    const alias = await gatehouse.http().get('/realms/acme/.well-known/openid-configuration');
    expect(alias.status).toBe(308);
    expect(alias.headers.location).toBe(`${BASE}/auth/realms/acme/.well-known/openid-configuration`);
    for (const path of [
      '/realms/nowhere/.well-known/openid-configuration',
      '/auth/realms/nowhere/.well-known/openid-configuration',
      '/.well-known/openid-configuration/auth/realms/nowhere',
      '/.well-known/oauth-authorization-server/auth/realms/nowhere',
    ]) {
      const response = await gatehouse.http().get(path);
      expect([path, response.status]).toEqual([path, 404]);
    }
  });

  it("lists in a realm's scopes_supported only scopes its clients can hold: its APIs' and Gatehouse's own, not the root client's", async () => {
    const { scopes_supported: realm } = await fetchDocument('/auth/realms/acme/.well-known/openid-configuration');
    expect(realm).toEqual(expect.arrayContaining(['openid', 'email', 'profile', 'client:read', 'token:introspect', 'orders:read']));
    for (const scope of PLATFORM_SCOPES) expect(realm).not.toContain(scope);
    // The server's own document is the root client's: it lists those, and no organization's API scopes.
    const { scopes_supported: root } = await fetchDocument('/.well-known/openid-configuration');
    expect(root).toEqual(expect.arrayContaining(PLATFORM_SCOPES));
    expect(root).not.toContain('orders:read');

    // Every scope listed is one a client of the realm can be given and get a token with.
    const gatehouseScopes = realm.filter((scope) => scope !== 'orders:read');
    const holder = await createClientIn(gatehouse, 'acme', { scopes: gatehouseScopes });
    const granted = await realmTokenRequest(gatehouse, 'acme', holder, gatehouseScopes.filter((scope) => !IDENTITY_SCOPES.has(scope)).join(' '));
    expect(granted.status).toBe(200);
    expect(new Set((granted.body as { scope: string }).scope.split(' '))).toEqual(new Set(gatehouseScopes.filter((scope) => !IDENTITY_SCOPES.has(scope))));
    const apiClient = await createClientIn(gatehouse, 'acme', { scopes: ['orders:read'] });
    const forApi = await realmTokenRequest(gatehouse, 'acme', apiClient, 'orders:read');
    expect(forApi.status).toBe(200);
    expect((forApi.body as { scope: string }).scope).toBe('orders:read');
  });

  it("lists root scopes in the realm of the built-in organization ('default'), where the root client is", async () => {
    const { scopes_supported: scopes } = await fetchDocument('/auth/realms/default/.well-known/openid-configuration');
    expect(scopes).toEqual(expect.arrayContaining(PLATFORM_SCOPES));
  });
});
