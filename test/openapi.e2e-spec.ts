import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHROMIUM, hasChromium, launchChromium } from './support/chromium.js';
import { type TestApp, startApp, ROOT_CLIENT_ID, ROOT_CLIENT_SECRET } from './support/test-app.js';


interface OpenApiOperation {
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { securitySchemes: Record<string, { type: string; flows?: { clientCredentials: { tokenUrl: string; scopes: Record<string, string> } } }> };
}

describe('API documentation at /docs', () => {
  let gatehouse: TestApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    gatehouse = await startApp();
    document = (await gatehouse.http().get('/docs-json').expect(200)).body as OpenApiDocument;
  });
  afterAll(() => gatehouse.close());

  it('serves Swagger UI', async () => {
    const response = await gatehouse.http().get('/docs');
    expect(response.status).toBe(200);
    expect(response.text).toContain('swagger-ui');
  });

  it('serves every file the page loads, at /docs and at /docs/', async () => {
    for (const page of ['/docs', '/docs/']) {
      const html = (await gatehouse.http().get(page).expect(200)).text;
      const assets = [...html.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map((match) => new URL(match[1]!, `http://gatehouse.test${page}`).pathname);
      expect(assets.sort()).toEqual(['/docs/favicon-16x16.png', '/docs/favicon-32x32.png', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js', '/docs/swagger-ui-standalone-preset.js', '/docs/swagger-ui.css']);
      for (const asset of assets) {
        const response = await gatehouse.http().get(asset);
        expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
        expect(response.headers['content-type']).toMatch(/^(text\/css|application\/javascript|image\/png)/);
      }
    }
  });

  it.each([
    '/docs/package.json',
    '/docs/README.md',
    '/docs/index.js',
    '/docs/absolute-path.js',
    '/docs/swagger-initializer.js',
    '/docs/swagger-ui.js',
    '/docs/swagger-ui-bundle.js.map',
    '/docs/log.bundle-sizes.swagger-ui.txt',
    '/docs/oauth2-redirect.html',
    '/docs/LICENSE',
    '/docs/%70ackage.json',
    '/docs/./package.json',
    '/docs/x/../package.json',
    '/docs//package.json',
    '/docs/swagger-ui.css/',
  ])('answers 404 for %s, which the page does not need', async (path) => {
    expect((await gatehouse.http().get(path)).status).toBe(404);
    expect((await gatehouse.http().head(path)).status).toBe(404);
  });

  it('documents every endpoint with a summary', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));
    expect(operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort()).toEqual(
      [
        'GET /.well-known/jwks.json',
        'GET /.well-known/oauth-authorization-server',
        'GET /.well-known/openid-configuration',
        'GET /api/v1/oauth/client',
        'POST /api/v1/oauth/client',
        'DELETE /api/v1/oauth/client/{client_id}',
        'GET /api/v1/oauth/client/{client_id}',
        'PUT /api/v1/oauth/client/{client_id}',
        'GET /api/v1/oauth/client/{client_id}/scope',
        'PUT /api/v1/oauth/client/{client_id}/scope',
        'POST /api/v1/oauth/client/{client_id}/secret',
        'GET /api/v1/oauth/keys',
        'POST /api/v1/oauth/keys/rotate',
        'GET /api/v1/oauth/scope',
        'GET /api/v1/apis',
        'POST /api/v1/apis',
        'GET /api/v1/apis/{id}',
        'PATCH /api/v1/apis/{id}',
        'DELETE /api/v1/apis/{id}',
        'POST /api/v1/oauth/token',
        'GET /health',
        'GET /health/live',
        'GET /health/ready',
        'GET /metrics',
        'GET /api/v1/oauth/role',
        'POST /api/v1/oauth/role',
        'GET /api/v1/oauth/role/{name}',
        'PATCH /api/v1/oauth/role/{name}',
        'DELETE /api/v1/oauth/role/{name}',
        'GET /api/v1/oauth/client/{client_id}/lockout',
        'DELETE /api/v1/oauth/client/{client_id}/lockout',
        'GET /api/v1/oauth/client/{client_id}/permissions',
        'PUT /api/v1/oauth/client/{client_id}/permissions',
        'GET /api/v1/organizations',
        'POST /api/v1/organizations',
        'GET /api/v1/organizations/{org}',
        'PUT /api/v1/organizations/{org}',
        'DELETE /api/v1/organizations/{org}',
        'GET /api/v1/organizations/{org}/projects',
        'POST /api/v1/organizations/{org}/projects',
        'GET /api/v1/organizations/{org}/projects/{project_id}',
        'PUT /api/v1/organizations/{org}/projects/{project_id}',
        'DELETE /api/v1/organizations/{org}/projects/{project_id}',
        'POST /auth/realms/{realm}/protocol/openid-connect/token',
        'POST /realms/{realm}/protocol/openid-connect/token',
        'GET /auth/realms/{realm}/.well-known/openid-configuration',
        'GET /.well-known/openid-configuration/auth/realms/{realm}',
        'GET /.well-known/oauth-authorization-server/auth/realms/{realm}',
        'GET /auth/realms/{realm}/protocol/openid-connect/certs',
        'GET /realms/{realm}/protocol/openid-connect/certs',
        'GET /v1/projects/{project_id}/tables',
        'POST /v1/projects/{project_id}/tables',
        'GET /api/v1/audit',
        'POST /api/v1/oauth/client/{client_id}/not-before',
        'POST /api/v1/oauth/client/{client_id}/token',
        'POST /api/v1/organizations/{org}/not-before',
        'POST /api/v1/oauth/introspect',
        'POST /api/v1/oauth/revoke',
        'POST /auth/realms/{realm}/protocol/openid-connect/token/introspect',
        'POST /realms/{realm}/protocol/openid-connect/token/introspect',
        'POST /auth/realms/{realm}/protocol/openid-connect/revoke',
        'POST /realms/{realm}/protocol/openid-connect/revoke',
        'GET /api/v1/policy',
        'POST /api/v1/policy',
        'PATCH /api/v1/policy',
        'GET /api/v1/policy/{key}',
        'GET /api/v1/rule',
        'POST /api/v1/rule',
        'PATCH /api/v1/rule',
        'DELETE /api/v1/users/{id}',
        'GET /api/v1/users',
        'GET /api/v1/users/{id}',
        'GET /auth/realms/{realm}/protocol/openid-connect/userinfo',
        'GET /oauth2/userinfo',
        'GET /realms/{realm}/protocol/openid-connect/userinfo',
        'PATCH /api/v1/users/{id}',
        'POST /api/v1/users',
        'POST /api/v1/users/me/tokens',
        'PUT /api/v1/users/{id}/organizations/{org}',
        'GET /api/v1/users/me/tokens',
        'DELETE /api/v1/users/me/tokens/{id}',
        'GET /api/v1/users/me/consents',
        'DELETE /api/v1/users/me/consents/{client_id}',
        'POST /auth/realms/{realm}/protocol/openid-connect/userinfo',
        'POST /oauth2/userinfo',
        'POST /realms/{realm}/protocol/openid-connect/userinfo',
        'POST /api/v1/oauth/registration-token',
        'GET /api/v1/oauth/registration-token',
        'DELETE /api/v1/oauth/registration-token/{id}',
        'POST /v1/oauth2/register',
        'GET /v1/oauth2/register/{client_id}',
        'PUT /v1/oauth2/register/{client_id}',
        'DELETE /v1/oauth2/register/{client_id}',
        'POST /api/v1/oauth2/register',
        'GET /api/v1/oauth2/register/{client_id}',
        'PUT /api/v1/oauth2/register/{client_id}',
        'DELETE /api/v1/oauth2/register/{client_id}',
        'POST /auth/realms/{realm}/clients-registrations/openid-connect',
        'GET /auth/realms/{realm}/clients-registrations/openid-connect/{client_id}',
        'PUT /auth/realms/{realm}/clients-registrations/openid-connect/{client_id}',
        'DELETE /auth/realms/{realm}/clients-registrations/openid-connect/{client_id}',
        'POST /realms/{realm}/clients-registrations/openid-connect',
        'GET /realms/{realm}/clients-registrations/openid-connect/{client_id}',
        'PUT /realms/{realm}/clients-registrations/openid-connect/{client_id}',
        'DELETE /realms/{realm}/clients-registrations/openid-connect/{client_id}',
      ].sort(),
    );
    for (const { operation } of operations) expect(operation.summary).toBeTruthy();
  });

  it('offers an OAuth2 client-credentials scheme on the real token endpoint, listing every scope', async () => {
    const scheme = document.components.securitySchemes.oauth2;
    expect(scheme.type).toBe('oauth2');
    expect(scheme.flows!.clientCredentials.tokenUrl).toBe('/api/v1/oauth/token');
    const root = (await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: ROOT_CLIENT_ID, client_secret: ROOT_CLIENT_SECRET })).body as { access_token: string };
    const scopes = (await gatehouse.http().get('/api/v1/oauth/scope').set('Authorization', `Bearer ${root.access_token}`)).body as { name: string }[];
    expect(Object.keys(scheme.flows!.clientCredentials.scopes).sort()).toEqual(scopes.map((scope) => scope.name).sort());
  });

  it('groups operations by module', () => {
    const tags = new Set(Object.values(document.paths).flatMap((methods) => Object.values(methods).flatMap((operation) => (operation as { tags?: string[] }).tags ?? [])));
    expect([...tags].sort()).toEqual(['apis', 'audit', 'clients', 'health', 'keys', 'oauth', 'organizations', 'policies', 'projects', 'roles', 'scopes', 'tables', 'users']);
  });

  it('marks guarded operations with their scope and documents their 401 and 403', () => {
    const guarded = document.paths['/api/v1/oauth/client'].post;
    expect(guarded.security).toEqual([{ oauth2: ['client:create'] }]);
    expect(Object.keys(guarded.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
    const api = document.paths['/api/v1/apis'].post;
    expect(api.security).toEqual([{ oauth2: ['api:create'] }]);
    expect(Object.keys(api.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '404', '409']));
    const token = document.paths['/api/v1/oauth/token'].post;
    expect(Object.keys(token.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
  });

  const browserTest = hasChromium ? it : it.skip;
  if (!hasChromium) {
    console.warn(`SKIPPED: the Swagger UI browser test needs Debian's chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it.`);
  }

  browserTest('Authorize gets a real token and Try it out calls a guarded endpoint with it', async () => {
    const port = await gatehouse.app.listen({ port: 0, host: '127.0.0.1' }).then(() => (gatehouse.app.getHttpServer().address() as { port: number }).port);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(`http://127.0.0.1:${port}/docs`);
      await page.getByRole('button', { name: 'Authorize' }).first().click();
      const oauthSection = page.locator('.modal-ux .auth-container').filter({ hasText: 'clientCredentials' });
      await oauthSection.locator('#client_id_clientCredentials').fill(ROOT_CLIENT_ID);
      await oauthSection.locator('#client_secret_clientCredentials').fill(ROOT_CLIENT_SECRET);
      const [tokenResponse] = await Promise.all([
        page.waitForResponse((candidate) => candidate.url().endsWith('/api/v1/oauth/token')),
        oauthSection.locator('button.authorize').click(),
      ]);
      expect(tokenResponse.status()).toBe(200);
      await oauthSection.getByRole('button', { name: 'Remove authorization' }).waitFor();
      await page.locator('.modal-ux button.close-modal').click();

      const operation = page.locator('#operations-scopes-CatalogScopesController_list');
      await operation.locator('.opblock-summary').first().click();
      await operation.locator('button.try-out__btn').click();
      const [response] = await Promise.all([
        page.waitForResponse((candidate) => candidate.url().endsWith('/api/v1/oauth/scope')),
        operation.locator('button.execute').click(),
      ]);
      expect(response.status()).toBe(200);
      expect(response.request().headers().authorization).toMatch(/^Bearer ey/);
      const body = (await response.json()) as { name: string }[];
      expect(body.map((scope) => scope.name)).toContain('client:create');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
