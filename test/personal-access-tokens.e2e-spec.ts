import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';

const REDIRECT = 'https://app.example.com/callback';

describe('the account page and personal access tokens', () => {
  let gatehouse: TestApp;
  let app: string;

  beforeAll(async () => {
    gatehouse = await startApp();
    app = (await createClient(gatehouse, { name: 'Dashboard', public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'email', 'token:personal', 'client:read'] })).client_id;
  });
  afterAll(() => gatehouse.close());

  /** A signed-in browser that has allowed the app, and the tokens the app got. */
  async function allowApp(scope = 'openid email'): Promise<{ browser: Browser; tokens: Record<string, string> }> {
    const browser = new Browser(gatehouse);
    const { verifier, challenge } = pkce();
    const back = await browser.authorizeAndDecide({ response_type: 'code', client_id: app, scope, code_challenge: challenge, code_challenge_method: 'S256' });
    const code = location(back).searchParams.get('code')!;
    const tokens = (await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: app, code, code_verifier: verifier })).body as Record<string, string>;
    return { browser, tokens };
  }
  const bearer = (token: string, path: string) => gatehouse.http().get(path).set('Authorization', `Bearer ${token}`);

  it('asks for sign-in first, then lists the apps the user allowed; taking access back revokes their tokens', async () => {
    const stranger = await new Browser(gatehouse).agent.get('/oauth2/account');
    expect(stranger.status).toBe(302);
    expect(stranger.headers.location).toBe('/oauth2/sign-in?return_to=%2Foauth2%2Faccount');

    const { browser, tokens } = await allowApp();
    const page = await browser.agent.get('/oauth2/account');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<strong>Dashboard</strong>: <code>openid email</code>');
    expect((await bearer(tokens.access_token, '/oauth2/userinfo')).status).toBe(200);

    const revoked = await browser.agent.post('/oauth2/account/consents/revoke').type('form').send({ csrf_token: hiddenFields(page.text).csrf_token, client_id: app });
    expect(revoked.status).toBe(303);
    expect(revoked.headers.location).toBe('/oauth2/account');
    expect((await browser.agent.get('/oauth2/account')).text).not.toContain('<strong>Dashboard</strong>');
    expect((await bearer(tokens.access_token, '/oauth2/userinfo')).status).toBe(401);
    const refreshed = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: app, refresh_token: tokens.refresh_token });
    expect(refreshed.body.error).toBe('invalid_grant');
    // The app has to ask again.
    const again = await browser.authorize({ response_type: 'code', client_id: app, scope: 'openid email', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    expect(again.status).toBe(200);
    expect(again.text).toContain('Dashboard wants to access your account');
    // Nothing left to revoke, and no CSRF token: both refused.
    expect((await browser.agent.post('/oauth2/account/consents/revoke').type('form').send({ csrf_token: hiddenFields(page.text).csrf_token, client_id: app })).status).toBe(404);
    expect((await browser.agent.post('/oauth2/account/consents/revoke').type('form').send({ client_id: app })).status).toBe(403);
  });

  it('creates a personal access token on the account page, shown once, that works like an access token until revoked', async () => {
    const { browser } = await allowApp();
    const page = await browser.agent.get('/oauth2/account');
    const csrf = hiddenFields(page.text).csrf_token;
    const created = await browser.agent.post('/oauth2/account/tokens').type('form').send({ csrf_token: csrf, name: 'laptop <script>', scopes: 'client:read scope:read', expires_in_days: '7', organization: 'default' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.text).toContain('laptop &lt;script&gt;');
    const token = /<code id="new-token">(gat_pat_[\w-]{43})<\/code>/.exec(created.text)![1]!;

    expect((await bearer(token, '/api/v1/oauth/client')).status).toBe(200);
    const refused = await bearer(token, '/api/v1/users');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('insufficient_scope');

    const listed = await browser.agent.get('/oauth2/account');
    expect(listed.text).toContain(`<code>${token.slice(0, 12)}…</code>`);
    expect(listed.text).not.toContain(token);
    const id = /name="id" value="([0-9a-f-]{36})"/.exec(listed.text)![1]!;
    expect((await browser.agent.post('/oauth2/account/tokens/revoke').type('form').send({ csrf_token: csrf, id })).status).toBe(303);
    const after = await bearer(token, '/api/v1/oauth/client');
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('invalid_token');

    const invalid = await browser.agent.post('/oauth2/account/tokens').type('form').send({ csrf_token: csrf, name: 'x', scopes: 'client:read', expires_in_days: '9999' });
    expect(invalid.status).toBe(400);
    expect(invalid.text).toContain('expires_in_days must not be greater than 366');
  });

  it('manages personal access tokens through the API with a user token', async () => {
    const { tokens } = await allowApp('openid token:personal client:read');
    const api = gatehouse.http();
    const create = (body: Record<string, unknown>, token = tokens.access_token) => api.post('/api/v1/users/me/tokens').set('Authorization', `Bearer ${token}`).send(body);

    const created = await create({ name: 'CI', scopes: ['client:read'], expires_in_days: 30 });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toMatchObject({ name: 'CI', scopes: ['client:read'], token_prefix: created.body.token.slice(0, 12) });
    expect(created.body.token).toMatch(/^gat_pat_[\w-]{43}$/);
    expect(Date.parse(created.body.expires_at as string) - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const listed = await api.get('/api/v1/users/me/tokens').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(listed.status).toBe(200);
    expect(listed.body.map((token: { id: string }) => token.id)).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect(JSON.stringify(listed.body)).not.toMatch(/hash/i);

    expect((await create({ name: 'too much', scopes: ['organization:create'], expires_in_days: 1 })).status).toBe(403);
    // The role gives client:update, but the token that asks does not carry it.
    expect((await create({ name: 'beyond the token', scopes: ['client:update'], expires_in_days: 1 })).body.message).toBe('You cannot assign scopes you do not hold: client:update');
    expect((await create({ name: 'chain', scopes: ['token:personal'], expires_in_days: 1 })).status).toBe(400);
    expect((await create({ name: 'forever', scopes: ['client:read'], expires_in_days: 400 })).status).toBe(400);
    expect((await create({ name: 'no expiry', scopes: ['client:read'] })).status).toBe(400);
    // A PAT cannot make more PATs, and a client's own token belongs to no user.
    expect((await create({ name: 'nested', scopes: ['client:read'], expires_in_days: 1 }, created.body.token as string)).status).toBe(403);
    const root = await tokenFor(gatehouse, ROOT);
    expect((await create({ name: 'root', scopes: [], expires_in_days: 1 }, root)).status).toBe(403);

    // Introspection and revocation are for clients' tokens; the owner revokes a PAT.
    const revokedByClient = await api.post('/api/v1/oauth/revoke').type('form').send({ ...ROOT, token: created.body.token });
    expect(revokedByClient.body.error).toBe('unsupported_token_type');
    expect((await bearer(created.body.token as string, '/api/v1/oauth/client')).status).toBe(200);
    expect((await api.delete(`/api/v1/users/me/tokens/${created.body.id}`).set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(204);
    expect((await bearer(created.body.token as string, '/api/v1/oauth/client')).status).toBe(401);
    expect((await api.delete('/api/v1/users/me/tokens/00000000-0000-4000-8000-000000000001').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(404);

    const audit = await bearer(root, `/api/v1/audit?target=${created.body.id}`);
    expect(audit.body.events.map((event: { action: string }) => event.action)).toEqual(['personal_access_token.revoked', 'personal_access_token.created']);
    expect(JSON.stringify(audit.body)).not.toContain(created.body.token);
  });

  it("follows the user's role: a plain member gets no administration scope, and a disabled user's tokens stop", async () => {
    const root = await tokenFor(gatehouse, ROOT);
    const member = await gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).send({ email: 'member@example.com', password: 'plain member password', role: 'administer-clients' });
    const browser = new Browser(gatehouse);
    const { verifier, challenge } = pkce();
    const back = await browser.authorizeAndDecide({ response_type: 'code', client_id: app, scope: 'openid token:personal client:read', code_challenge: challenge, code_challenge_method: 'S256' }, 'allow', '/oauth2/authorize', { email: 'member@example.com', password: 'plain member password' });
    const tokens = (await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: app, code: location(back).searchParams.get('code')!, code_verifier: verifier })).body as Record<string, string>;
    const pat = (await gatehouse.http().post('/api/v1/users/me/tokens').set('Authorization', `Bearer ${tokens.access_token}`).send({ name: 'clients', scopes: ['client:read'], expires_in_days: 1 })).body as { token: string };
    expect((await bearer(pat.token, '/api/v1/oauth/client')).status).toBe(200);

    // Demoted to a plain member: the scope stops working at once.
    expect((await gatehouse.http().patch(`/api/v1/users/${member.body.id}`).set('Authorization', `Bearer ${root}`).send({ role: 'member' })).status).toBe(200);
    expect((await bearer(pat.token, '/api/v1/oauth/client')).status).toBe(403);
    // Disabled: nothing works.
    expect((await gatehouse.http().patch(`/api/v1/users/${member.body.id}`).set('Authorization', `Bearer ${root}`).send({ disabled: true })).status).toBe(200);
    expect((await bearer(pat.token, '/api/v1/oauth/client')).status).toBe(401);
  });
});
