import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, isMariaDb, startApp } from './support/test-app.js';
import { basic, type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, type Organization } from './support/tenants.js';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { APP_REDIRECT, createUser, type Person } from './support/principals.js';

/**
 * The findings of the security review of issue 16 (APIs, roles, tokens for an API), each as the
 * attack that reproduced it, and what held up. Each `it` states the secure behaviour.
 */
const ORDERS = 'https://orders.example.com';

describe('security review of issue 16: tokens for registered APIs', () => {
  let gatehouse: TestApp;
  let acme: Organization;
  let other: Organization;
  let app: Credentials;
  let introspector: Credentials;
  let serial = 0;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const root = () => tokenFor(gatehouse, ROOT);
  const tokenPath = (realm: string) => `/auth/realms/${realm}/protocol/openid-connect/token`;
  const authPath = (realm: string) => `/auth/realms/${realm}/protocol/openid-connect/auth`;

  async function registerApi(organization: string, body: Record<string, unknown>) {
    return gatehouse.http().post('/api/v1/apis').set(bearer(await root())).send({ organization, ...body });
  }
  async function defineRole(organization: string, name: string, scopes: string[]) {
    const response = await gatehouse.http().post('/api/v1/oauth/role').set(bearer(await root())).send({ organization, name, scopes });
    if (response.status !== 201) throw new Error(`role: ${response.status} ${JSON.stringify(response.body)}`);
  }
  async function setRole(userId: string, organization: string, role: string) {
    const response = await gatehouse.http().put(`/api/v1/users/${userId}/organizations/${organization}`).set(bearer(await root())).send({ role });
    if (response.status !== 200) throw new Error(`membership: ${response.status} ${JSON.stringify(response.body)}`);
  }

  /** The code flow with extra authorization parameters (resource, sub_type); answers the code and verifier. */
  async function codeFor(options: { client: Credentials; scope: string; person: Person; realm: string; extra?: Record<string, string>; organization?: string }) {
    const browser = new Browser(gatehouse);
    const { verifier, challenge } = pkce();
    const params = { response_type: 'code', client_id: options.client.client_id, redirect_uri: APP_REDIRECT, scope: options.scope, state: 'st', code_challenge: challenge, code_challenge_method: 'S256', ...options.extra };
    let page = await browser.authorize(params, authPath(options.realm));
    if (page.status === 302 && location(page).pathname === '/oauth2/sign-in') {
      const signedIn = await browser.signIn(location(page).searchParams.get('return_to')!, options.person.email, options.person.password);
      page = await browser.agent.get(signedIn.headers.location!);
    }
    const remembered = page.status === 302 && page.headers.location?.startsWith(APP_REDIRECT);
    if (page.status !== 200 && !remembered) throw new Error(`consent page: ${page.status} ${page.headers.location ?? page.text}`);
    const decided = remembered
      ? page
      : await browser.agent.post(authPath(options.realm)).type('form').send({ ...hiddenFields(page.text), decision: 'allow', ...(options.organization !== undefined && { organization: options.organization }) });
    const code = location(decided).searchParams.get('code');
    if (!code) throw new Error(`no code: ${decided.status} ${decided.headers.location ?? decided.text}`);
    return { code, verifier };
  }
  const exchange = (realm: string, client: Credentials, code: string, verifier: string, extra: Record<string, string> = {}) =>
    gatehouse.http().post(tokenPath(realm)).type('form').send({ grant_type: 'authorization_code', ...client, code, code_verifier: verifier, redirect_uri: APP_REDIRECT, ...extra });
  const refresh = (realm: string, client: Credentials, refreshToken: string, extra: Record<string, string> = {}) =>
    gatehouse.http().post(tokenPath(realm)).type('form').send({ grant_type: 'refresh_token', ...client, refresh_token: refreshToken, ...extra });

  beforeAll(async () => {
    gatehouse = await startApp();
    acme = await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true });
    other = await createOrganization(gatehouse, { name: 'other', oauth_enabled: true });
    const created = await registerApi('acme', { identifier: ORDERS, name: 'Orders', scopes: [{ name: 'orders:read', description: 'Read orders' }, { name: 'orders:write', description: 'Place orders' }] });
    expect(created.status).toBe(201);
    await defineRole('acme', 'order-clerk', ['orders:*']);
    await defineRole('acme', 'order-reader', ['orders:read', 'project:read']);
    app = await createClientIn(gatehouse, 'acme', { name: 'third party', redirect_uris: [APP_REDIRECT], scopes: ['orders:read', 'orders:write', 'project:read'] });
    introspector = await createClientIn(gatehouse, 'acme', { name: 'introspector', scopes: ['token:introspect'] });
  });
  afterAll(() => gatehouse.close());

  it('F1: a refreshed user token for an API no longer carries API scopes the user\'s role stopped giving', async () => {
    const person: Person = { email: `clerk-${++serial}@acme.test`, password: 'clerk passphrase long' };
    const userId = await createUser(gatehouse, person, 'acme', 'order-clerk');
    const { code, verifier } = await codeFor({ client: app, scope: 'orders:read orders:write', person, realm: 'acme', extra: { resource: ORDERS } });
    const tokens = await exchange('acme', app, code, verifier);
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.access_token as string).payload).toMatchObject({ aud: ORDERS, scope: 'orders:read orders:write' });
    // The administrator demotes the user to a plain member: they may no longer touch orders.
    await setRole(userId, 'acme', 'member');
    const refreshed = await refresh('acme', app, tokens.body.refresh_token as string);
    // Secure: invalid_grant (nothing left), like an organization token. Observed: 200 with orders:read orders:write.
    if (refreshed.status === 200) expect(decodeJwt(refreshed.body.access_token as string).payload.scope).toBe('');
    else expect(refreshed.body.error).toBe('invalid_grant');
  });

  it('F2: an organization token refreshed with scope= stays bounded by the granting user\'s current role', async () => {
    const person: Person = { email: `org-${++serial}@acme.test`, password: 'org passphrase long' };
    const userId = await createUser(gatehouse, person, 'acme', 'order-clerk');
    const { code, verifier } = await codeFor({ client: app, scope: 'orders:read orders:write', person, realm: 'acme', extra: { sub_type: 'organization' }, organization: 'acme' });
    const tokens = await exchange('acme', app, code, verifier, { resource: ORDERS });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.access_token as string).payload).toMatchObject({ aud: ORDERS, scope: 'orders:read orders:write', sub_type: 'organization' });
    // The user's role no longer gives orders:read; orders:write is left, so the grant lives on.
    await defineRole('acme', `order-writer-${serial}`, ['orders:write']);
    await setRole(userId, 'acme', `order-writer-${serial}`);
    // The first refresh after the demotion names both scopes (the refresh token still lists them):
    // scopesFor keeps [orders:write] (so no invalid_grant), but the access token is cut from the scopes asked for.
    const narrowed = await refresh('acme', app, tokens.body.refresh_token as string, { scope: 'orders:read orders:write' });
    // Secure: orders:write only, as a refresh without scope= gives. Observed: orders:read orders:write.
    expect(narrowed.status).toBe(200);
    expect(decodeJwt(narrowed.body.access_token as string).payload.scope).toBe('orders:write');
  });

  it('F3: a failed exchange (invalid_target) burns neither the code nor the refresh token', async () => {
    const person: Person = { email: `burn-${++serial}@acme.test`, password: 'burn passphrase long' };
    await createUser(gatehouse, person, 'acme', 'order-clerk');
    const { code, verifier } = await codeFor({ client: app, scope: 'orders:read', person, realm: 'acme' });
    const bad = await exchange('acme', app, code, verifier, { resource: 'https://unknown.example.com' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_target');
    const good = await exchange('acme', app, code, verifier);
    expect(good.status).toBe(200);
    const badRefresh = await refresh('acme', app, good.body.refresh_token as string, { resource: 'https://unknown.example.com' });
    expect(badRefresh.body.error).toBe('invalid_target');
    expect((await refresh('acme', app, good.body.refresh_token as string)).status).toBe(200);
  });

  it('F4: an organization cannot register Gatehouse\'s own audience as an API identifier', async () => {
    const discovery = await gatehouse.http().get('/auth/realms/acme/.well-known/openid-configuration');
    const ownAudience = (await gatehouse.http().get('/.well-known/openid-configuration')).body.issuer as string;
    void discovery;
    const response = await registerApi('other', { identifier: ownAudience, name: 'Shadow', scopes: [{ name: 'shadow:read', description: 'x' }] });
    const holder = response.status === 201 ? await createClientIn(gatehouse, 'other', { scopes: ['shadow:read'] }) : undefined;
    let aud: unknown;
    if (holder) {
      const token = await gatehouse.http().post(tokenPath('other')).type('form').send({ grant_type: 'client_credentials', ...holder, scope: 'shadow:read' });
      aud = decodeJwt(token.body.access_token as string).payload.aud;
    }
    // Secure: 400 (reserved). Observed: 201, and the API's tokens carry aud = Gatehouse's own audience.
    expect({ status: response.status, aud }).toEqual({ status: 400, aud: undefined });
  });

  it('F5: odd resource/audience values answer the precise 4xx', async () => {
    const holder = await createClientIn(gatehouse, 'acme', { scopes: ['orders:read'] });
    const bodies: unknown[] = [
      { grant_type: 'client_credentials', ...holder, resource: [ORDERS, ORDERS] },
      { grant_type: 'client_credentials', ...holder, resource: { a: 1 } },
      { grant_type: 'client_credentials', ...holder, resource: 5 },
      { grant_type: 'client_credentials', ...holder, resource: null },
      { grant_type: 'client_credentials', ...holder, audience: ['x'] },
      { grant_type: 'client_credentials', ...holder, resource: 'https://ü.example.com/\u0000' },
      { grant_type: 'client_credentials', ...holder, resource: `https://${'a'.repeat(100_000)}.com` },
      { grant_type: 'client_credentials', ...holder, resource: '' },
      { grant_type: 'client_credentials', ...holder, audience: '' },
    ];
    const answers: unknown[] = [];
    for (const body of bodies) {
      const json = await gatehouse.http().post(tokenPath('acme')).send(body as object);
      answers.push([json.status, json.body.error]);
    }
    expect(answers).toEqual([
      [400, 'invalid_request'], // repeated resource
      [400, 'invalid_request'], // an object
      [400, 'invalid_request'], // a number
      [400, 'invalid_request'], // null
      [400, 'invalid_request'], // repeated audience
      [400, 'invalid_target'], // not an API of the organization
      [413, 'invalid_request'], // over the body limit
      [400, 'invalid_request'], // empty resource
      [400, 'invalid_request'], // empty audience
    ]);
    const browser = new Browser(gatehouse);
    const pages: unknown[] = [];
    for (const query of [`resource=${encodeURIComponent(ORDERS)}&resource=x`, 'resource=', `resource=${'a'.repeat(20_000)}`, 'audience=%00', 'resource[a]=1']) {
      const page = await browser.agent.get(`${authPath('acme')}?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(APP_REDIRECT)}&scope=orders:read&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&${query}`);
      const target = page.headers.location ? new URL(page.headers.location, 'http://gatehouse') : undefined;
      pages.push([page.status, target?.pathname === '/oauth2/sign-in' ? 'sign-in' : target?.searchParams.get('error')]);
    }
    expect(pages).toEqual([
      [302, 'invalid_request'], // a repeated resource goes back to the client as an error
      [302, 'sign-in'], // an empty resource is checked after sign-in, like the other parameters a user cannot fix
      [431, undefined], // Node's HTTP parser refuses the header before Gatehouse sees it
      [302, 'invalid_target'],
      [302, 'sign-in'], // resource[a] is no parameter Gatehouse knows: ignored, as RFC 6749 says
    ]);
  });

  it('F6: odd role and API bodies answer 400, and odd but valid names are stored', async () => {
    const token = await root();
    const apiBodies: unknown[] = [
      { identifier: 'https://a.example.com', name: 'A', scopes: [null] },
      { identifier: 'https://a.example.com', name: 'A', scopes: 'x' },
      { identifier: 'https://a.example.com', name: 'A', scopes: [{ name: ['x'], description: 'd' }] },
      { identifier: ['https://a.example.com'], name: 'A', scopes: [] },
      { identifier: 'https://a.example.com', name: 'A', scopes: [], access_token_lifespan: '600' },
      { identifier: 'https://a.example.com', name: 'A', scopes: [{ name: 'constructor', description: 'd' }, { name: '__proto__', description: 'd' }] },
      { identifier: 'urn:x', name: 'A', scopes: [], default: 'true' },
    ];
    const apiStatuses: number[] = [];
    for (const body of apiBodies) {
      const response = await gatehouse.http().post('/api/v1/apis').set(bearer(token)).send({ organization: 'other', ...(body as object) });
      apiStatuses.push(response.status);
    }
    // Scope names like constructor and __proto__ are plain names: stored, and nothing else changes.
    expect(apiStatuses).toEqual([400, 400, 400, 400, 400, 201, 400]);
    const roleBodies: unknown[] = [
      { name: 'r-a', scopes: [null] },
      { name: 'r-b', scopes: ['*'] },
      { name: 'r-c', scopes: ['*:*'] },
      { name: 'r-d', scopes: [{}] },
      { name: ['r-e'], scopes: ['client:read'] },
      { name: 'r-f', scopes: ['client:read'], description: null },
      { name: 'r-g', scopes: ['project-*'] },
      { name: 'r-h', scopes: ['openid'] },
      { name: 'r-i', scopes: ['constructor'] },
    ];
    const roleStatuses: number[] = [];
    for (const body of roleBodies) {
      const response = await gatehouse.http().post('/api/v1/oauth/role').set(bearer(token)).send({ organization: 'other', ...(body as object) });
      roleStatuses.push(response.status);
    }
    // The last role grants the API scope named constructor, registered just above.
    expect(roleStatuses).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 201]);
  });

  it('F7: an API of 100 KB is refused with 413; four-byte characters are stored', async () => {
    // 100 x (300 three-byte characters + a 120-character name) is about 100 KB in UTF-8: more than a TEXT column holds (64 KB) on MariaDB.
    const scopes = Array.from({ length: 100 }, (_, index) => ({ name: `b${index}:${'x'.repeat(120)}`, description: '注'.repeat(300) }));
    const response = await registerApi('other', { identifier: 'https://bulk.example.com', name: 'Bulk', scopes });
    // About 100 KB of JSON: over the body limit, refused before anything is stored.
    expect([response.status, response.body.message]).toEqual([413, 'Request body is too large']);
    // Four-byte characters (emoji) in an API's name and descriptions and a role's description.
    const emoji = await registerApi('other', { identifier: 'https://emoji.example.com', name: 'Orders 😀', scopes: [{ name: 'emoji:read', description: 'Read 😀 orders' }] });
    expect([emoji.status, JSON.stringify(emoji.body).slice(0, 200)]).toEqual([201, expect.any(String)]);
    const role = await gatehouse.http().post('/api/v1/oauth/role').set(bearer(await root())).send({ organization: 'other', name: 'emoji-role', description: 'Emoji 😀 role', scopes: ['emoji:read'] });
    expect([role.status, JSON.stringify(role.body).slice(0, 200)]).toEqual([201, expect.any(String)]);
    void isMariaDb;
  });

  it("F8: another organization's token for the same identifier is inactive to this organization's introspection", async () => {
    expect((await registerApi('other', { identifier: ORDERS, name: 'Their orders', scopes: [{ name: 'orders:read', description: 'Read' }] })).status).toBe(201);
    const theirs = await createClientIn(gatehouse, 'other', { scopes: ['orders:read'] });
    const token = await gatehouse.http().post(tokenPath('other')).type('form').send({ grant_type: 'client_credentials', ...theirs, resource: ORDERS });
    expect(token.status).toBe(200);
    const answer = await gatehouse.http().post('/api/v1/oauth/introspect').set('Authorization', basic(introspector)).type('form').send({ token: token.body.access_token });
    expect(answer.body).toEqual({ active: false });
    // Nor is it accepted by Gatehouse's management API.
    expect((await gatehouse.http().get('/api/v1/oauth/scope').set(bearer(token.body.access_token as string))).status).toBe(401);
    void acme;
    void other;
  });

  it("F9: a user token for an API with openid reaches nothing on Gatehouse but userinfo", async () => {
    const person: Person = { email: `oidc-${++serial}@acme.test`, password: 'oidc passphrase long' };
    await createUser(gatehouse, person, 'acme', 'order-clerk');
    const oidcApp = await createClientIn(gatehouse, 'acme', { name: 'oidc app', redirect_uris: [APP_REDIRECT], scopes: ['orders:read', 'openid', 'profile', 'email', 'project:read'] });
    const { code, verifier } = await codeFor({ client: oidcApp, scope: 'openid orders:read', person, realm: 'acme', extra: { resource: ORDERS } });
    const tokens = await exchange('acme', oidcApp, code, verifier);
    expect(tokens.status).toBe(200);
    const { payload } = decodeJwt(tokens.body.access_token as string);
    expect(payload.aud).toEqual([ORDERS, expect.any(String)]);
    for (const path of ['/api/v1/oauth/scope', '/api/v1/oauth/client', '/api/v1/apis', '/api/v1/oauth/role', '/api/v1/users/me/tokens']) {
      const response = await gatehouse.http().get(path).set(bearer(tokens.body.access_token as string));
      expect([path, response.status]).toEqual([path, 403]);
    }
  });

  it('F10: a personal access token carrying an API scope is not reported active as a token for that API by introspection', async () => {
    const person: Person = { email: `pat-${++serial}@acme.test`, password: 'pat passphrase long' };
    await createUser(gatehouse, person, 'acme', 'order-clerk');
    const portal = await createClientIn(gatehouse, 'acme', { name: 'portal', redirect_uris: [APP_REDIRECT], scopes: ['token:personal'] });
    const { code, verifier } = await codeFor({ client: portal, scope: 'token:personal', person, realm: 'acme' });
    const user = await exchange('acme', portal, code, verifier);
    const pat = await gatehouse.http().post('/api/v1/users/me/tokens').set(bearer(user.body.access_token as string)).send({ name: 'orders pat', scopes: ['orders:read'], expires_in_days: 7 });
    // A personal access token has no aud: carrying orders:read, introspection would vouch for it to the orders API.
    expect(pat.status).toBe(400);
    expect((pat.body as { message: string }).message).toContain('orders:read');
  });

  it('F11: an API cannot define scope names that read as wildcards (`*`, `orders:*`)', async () => {
    for (const name of ['*', 'orders2:*']) {
      const response = await registerApi('acme', { identifier: `https://wild${++serial}.example.com`, name: 'Wild', scopes: [{ name, description: 'wild' }] });
      expect([name, response.status]).toEqual([name, 400]);
    }
  });

  it('F12: deleting an API ends its tokens for good: registering the identifier again does not bring them back', async () => {
    const identifier = 'https://phoenix.example.com';
    const first = await registerApi('acme', { identifier, name: 'Phoenix', scopes: [{ name: 'phoenix:read', description: 'r' }] });
    const holder = await createClientIn(gatehouse, 'acme', { scopes: ['phoenix:read'] });
    const token = (await gatehouse.http().post(tokenPath('acme')).type('form').send({ grant_type: 'client_credentials', ...holder, resource: identifier })).body.access_token as string;
    const answer = () => gatehouse.http().post('/api/v1/oauth/introspect').set('Authorization', basic(introspector)).type('form').send({ token });
    expect((await answer()).body.active).toBe(true);
    expect((await gatehouse.http().delete(`/api/v1/apis/${(first.body as { id: string }).id}`).set(bearer(await root()))).status).toBe(204);
    expect((await answer()).body.active).toBe(false);
    // Registered again (the client's scope went with the API: it is given back too).
    expect((await registerApi('acme', { identifier, name: 'Phoenix again', scopes: [{ name: 'phoenix:read', description: 'r' }] })).status).toBe(201);
    await gatehouse.http().put(`/api/v1/oauth/client/${holder.client_id}/scope`).set(bearer(await root())).send(['phoenix:read']);
    const again = await answer();
    expect(again.body.active).toBe(false);
  });


  it('F13: the consent page shows an API scope description as text, never as markup', async () => {
    const identifier = 'https://markup.example.com';
    expect((await registerApi('acme', { identifier, name: '<b>Markup</b>', scopes: [{ name: 'markup:read', description: '<script>alert(1)</script><img src=x onerror=alert(2)>' }] })).status).toBe(201);
    await defineRole('acme', `markup-${++serial}`, ['markup:*']);
    const person: Person = { email: `markup-${serial}@acme.test`, password: 'markup passphrase long' };
    await createUser(gatehouse, person, 'acme', `markup-${serial}`);
    const markupApp = await createClientIn(gatehouse, 'acme', { name: 'markup app', redirect_uris: [APP_REDIRECT], scopes: ['markup:read'] });
    const browser = new Browser(gatehouse);
    const { challenge } = pkce();
    let page = await browser.authorize({ response_type: 'code', client_id: markupApp.client_id, redirect_uri: APP_REDIRECT, scope: 'markup:read', code_challenge: challenge, code_challenge_method: 'S256', resource: identifier }, authPath('acme'));
    const signedIn = await browser.signIn(location(page).searchParams.get('return_to')!, person.email, person.password);
    page = await browser.agent.get(signedIn.headers.location!);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).not.toContain('<img src=x');
  });

  it('F14: invalid_target descriptions stay within RFC 6749 error_description characters', async () => {
    const holder = await createClientIn(gatehouse, 'acme', { scopes: ['orders:read'] });
    const response = await gatehouse.http().post(tokenPath('acme')).type('form').send({ grant_type: 'client_credentials', ...holder, resource: 'https://ü.example.com/"\\x' });
    expect(response.status).toBe(400);
    expect(response.body.error_description).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/);
  });

  it('F15: a personal access token cannot carry an API scope (it is no token for that API)', async () => {
    await defineRole('acme', `pat-maker-${++serial}`, ['api:update', 'orders:*']);
    const person: Person = { email: `patmaker-${serial}@acme.test`, password: 'patmaker passphrase long' };
    await createUser(gatehouse, person, 'acme', `pat-maker-${serial}`);
    const portal = await createClientIn(gatehouse, 'acme', { name: `portal ${serial}`, redirect_uris: [APP_REDIRECT], scopes: ['token:personal', 'api:update'] });
    const { code, verifier } = await codeFor({ client: portal, scope: 'token:personal api:update', person, realm: 'acme' });
    const user = await exchange('acme', portal, code, verifier);
    expect(user.status).toBe(200);
    const pat = await gatehouse.http().post('/api/v1/users/me/tokens').set(bearer(user.body.access_token as string)).send({ name: 'orders pat', scopes: ['orders:read'], expires_in_days: 7 });
    // Even for an API administrator, who counts as holding the API's scopes.
    expect(pat.status).toBe(400);
    expect((pat.body as { message: string }).message).toBe("A personal access token is for Gatehouse's API only; these are scopes of the organization's APIs: orders:read");
  });

  it("F16: the organization's account administrator can disable a user whose role grants API scopes", async () => {
    const person: Person = { email: `disable-${++serial}@acme.test`, password: 'disable passphrase long' };
    const userId = await createUser(gatehouse, person, 'acme', 'order-clerk');
    const admin = await createClientIn(gatehouse, 'acme', { name: `account admin ${serial}`, permissions: ['administer-account'] });
    const token = (await gatehouse.http().post(tokenPath('acme')).type('form').send({ grant_type: 'client_credentials', ...admin })).body.access_token as string;
    const disabled = await gatehouse.http().patch(`/api/v1/users/${userId}`).set(bearer(token)).send({ disabled: true });
    expect(disabled.status).toBe(200);
  });
});
