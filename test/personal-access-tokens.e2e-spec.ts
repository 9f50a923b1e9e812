import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { createUser } from './support/principals.js';

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
    // The scopes in words, each code beside its description.
    expect(page.text).toContain('<strong>Dashboard</strong>');
    expect(page.text).toContain('See your email address <span class="fine scope-code">(<code class="token">email</code>)</span>');
    expect((await bearer(tokens.access_token, '/oauth2/userinfo')).status).toBe(200);

    const csrf = hiddenFields(page.text).csrf_token;
    // The revoke button asks first: a confirmation page, and nothing is taken back yet.
    const asked = await browser.agent.post('/oauth2/account/consents/revoke').type('form').send({ csrf_token: csrf, client_id: app });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('<h1>Revoke access for Dashboard?</h1>');
    expect(asked.text).toContain('<input type="hidden" name="confirm" value="yes">');
    expect(asked.text).toContain('<a href="/oauth2/account">Cancel and go back to your account</a>');
    expect((await bearer(tokens.access_token, '/oauth2/userinfo')).status).toBe(200);

    const revoked = await browser.agent.post('/oauth2/account/consents/revoke').type('form').send({ ...hiddenFields(asked.text) });
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
    // Nothing left to revoke (asked or confirmed), and no CSRF token: refused.
    expect((await browser.agent.post('/oauth2/account/consents/revoke').type('form').send({ csrf_token: csrf, client_id: app })).status).toBe(404);
    expect((await browser.agent.post('/oauth2/account/consents/revoke').type('form').send({ csrf_token: csrf, client_id: app, confirm: 'yes' })).status).toBe(404);
    expect((await browser.agent.post('/oauth2/account/consents/revoke').type('form').send({ client_id: app, confirm: 'yes' })).status).toBe(403);
  });

  /** A form body as a browser sends it: one `scope.{name}` field per box ticked. */
  const formBody = ({ scopes, ...fields }: Record<string, string | string[]>) =>
    new URLSearchParams([...Object.entries(fields as Record<string, string>), ...[scopes ?? []].flat().map((scope): [string, string] => [`scope.${scope}`, 'yes'])]).toString();

  it('creates a personal access token on the account page, shown once, that works like an access token until revoked', async () => {
    const { browser } = await allowApp();
    const page = await browser.agent.get('/oauth2/account');
    const csrf = hiddenFields(page.text).csrf_token;
    // The scopes are picked from a list, in words.
    expect(page.text).toMatch(/<input type="checkbox" id="token-scope-\d+" name="scope.client:read" value="yes"><span>List OAuth clients and read their settings and scopes <span class="fine scope-code">\(<code class="token">client:read<\/code>\)<\/span>/);
    expect(page.text).not.toContain('name="scope.token:personal"');
    expect(page.headers['content-security-policy']).not.toContain('script-src');

    const created = await browser.agent
      .post('/oauth2/account/tokens')
      .type('form')
      .send(formBody({ csrf_token: csrf, name: 'laptop <script>', scopes: ['client:read', 'scope:read'], expires_in_days: '7', organization: 'default' }));
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.text).toContain('laptop &lt;script&gt;');
    // Shown in a neutral box, in a read-only field with a label, and a copy button its one (hashed) script shows.
    expect(created.text).toContain('<section aria-labelledby="created-heading" class="notice">');
    expect(created.text).not.toMatch(/class="error"/);
    const token = /<label for="new-token">Your new token<\/label>\n<input id="new-token" type="text" readonly value="(gat_pat_[\w-]{43})"/.exec(created.text)![1]!;
    const scripts = [...created.text.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(scripts).toHaveLength(1);
    expect(created.headers['content-security-policy']).toContain(`script-src 'sha256-${createHash('sha256').update(scripts[0]!).digest('base64')}';`);

    expect((await bearer(token, '/api/v1/oauth/client')).status).toBe(200);
    const refused = await bearer(token, '/api/v1/users');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('insufficient_scope');

    const listed = await browser.agent.get('/oauth2/account');
    expect(listed.text).toContain(`<code class="token">${token.slice(0, 12)}…</code>`);
    expect(listed.text).not.toContain(token);
    const id = /name="id" value="([0-9a-f-]{36})"/.exec(listed.text)![1]!;
    // Revoking asks first.
    const asked = await browser.agent.post('/oauth2/account/tokens/revoke').type('form').send({ csrf_token: csrf, id });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('<h1>Revoke the token “laptop &lt;script&gt;”?</h1>');
    expect((await bearer(token, '/api/v1/oauth/client')).status).toBe(200);
    expect((await browser.agent.post('/oauth2/account/tokens/revoke').type('form').send({ csrf_token: csrf, id, confirm: 'yes' })).status).toBe(303);
    const after = await bearer(token, '/api/v1/oauth/client');
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('invalid_token');
    expect((await browser.agent.post('/oauth2/account/tokens/revoke').type('form').send({ csrf_token: csrf, id })).status).toBe(404);
  });

  it('keeps what was typed and ticked when the token is refused, with the reason next to the form', async () => {
    const { browser } = await allowApp();
    const csrf = hiddenFields((await browser.agent.get('/oauth2/account')).text).csrf_token;
    const send = (fields: Record<string, string | string[]>) => browser.agent.post('/oauth2/account/tokens').type('form').send(formBody({ csrf_token: csrf, ...fields }));
    const expectKept = (text: string, name: string, days: string) => {
      expect(text).toContain(`<input id="token-name" name="name" type="text" required maxlength="100" value="${name}" aria-describedby="token-error">`);
      expect(text).toMatch(/name="scope.client:read" value="yes" checked>/);
      expect(text).not.toMatch(/name="scope.scope:read" value="yes" checked>/);
      expect(text).toContain(`name="expires_in_days" type="number" min="1" max="366" value="${days}" required>`);
      expect(text).not.toContain('id="new-token"');
    };

    const tooLong = await send({ name: 'ci', scopes: ['client:read'], expires_in_days: '9999', organization: 'default' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('<p class="error" role="alert" id="token-error">expires_in_days must not be greater than 366</p>');
    expectKept(tooLong.text, 'ci', '9999');

    // A scope the role does not give (sent by hand: the list offers none; even the administrator, a platform administrator, lacks metrics:read), and one no token may hold.
    const notHeld = await send({ name: 'deploys', scopes: ['client:read', 'metrics:read'], expires_in_days: '5', organization: 'default' });
    expect(notHeld.status).toBe(403);
    expect(notHeld.text).toContain('You do not hold these scopes in default: metrics:read');
    expectKept(notHeld.text, 'deploys', '5');
    const chained = await send({ name: 'chain', scopes: ['client:read', 'token:personal'], expires_in_days: '5', organization: 'default' });
    expect(chained.status).toBe(400);
    expect(chained.text).toContain('A personal access token cannot manage personal access tokens');
    expectKept(chained.text, 'chain', '5');

    const none = await send({ name: 'empty', expires_in_days: '5', organization: 'default' });
    expect(none.status).toBe(400);
    expect(none.text).toContain('Pick at least one scope.');
  });

  it('offers in the scope list only what the role lets the user grant', async () => {
    await createUser(gatehouse, { email: 'lister@example.com', password: 'lister password 123' }, 'default', 'administer-clients');
    const browser = new Browser(gatehouse);
    expect((await browser.signIn(undefined, 'lister@example.com', 'lister password 123')).status).toBe(303);
    const page = (await browser.agent.get('/oauth2/account')).text;
    const offered = [...page.matchAll(/name="scope\.([^"]+)" value="yes"/g)].map((match) => match[1]);
    expect(offered).toContain('client:read');
    expect(offered).not.toContain('user:create');
    expect(offered).not.toContain('organization:update');
    expect(offered).not.toContain('token:personal');
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
