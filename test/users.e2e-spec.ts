import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, ADMIN_EMAIL, startApp } from './support/test-app.js';
import { Browser, location, pkce } from './support/browser.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization } from './support/tenants.js';

describe('users API', () => {
  let gatehouse: TestApp;
  let root: string;

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
    await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true });
  });
  afterAll(() => gatehouse.close());

  const api = (token: string) => ({
    post: (body: Record<string, unknown>) => gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${token}`).send(body),
    list: () => gatehouse.http().get('/api/v1/users').set('Authorization', `Bearer ${token}`),
    get: (id: string) => gatehouse.http().get(`/api/v1/users/${id}`).set('Authorization', `Bearer ${token}`),
    patch: (id: string, body: Record<string, unknown>) => gatehouse.http().patch(`/api/v1/users/${id}`).set('Authorization', `Bearer ${token}`).send(body),
    delete: (id: string) => gatehouse.http().delete(`/api/v1/users/${id}`).set('Authorization', `Bearer ${token}`),
  });

  it('has the bootstrap administrator, and creates users without ever returning a password or hash', async () => {
    const list = await api(root).list();
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ email: ADMIN_EMAIL, email_verified: true, memberships: [expect.objectContaining({ role: 'administer-platform' })] })]));
    const created = await api(root).post({ email: 'Grace@Example.com', password: 'hopper-1906', name: 'Grace', role: 'administer-clients' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'grace@example.com', name: 'Grace', disabled: false, memberships: [{ role: 'administer-clients' }] });
    expect(JSON.stringify(created.body)).not.toMatch(/hopper|scrypt|password/);
    expect((await api(root).post({ email: 'GRACE@example.com', password: 'another-password' })).status).toBe(409);
    expect((await api(root).post({ email: 'not-an-email', password: 'long enough' })).status).toBe(400);
    expect((await api(root).post({ email: 'short@example.com', password: 'short' })).status).toBe(400);
    expect((await api(root).post({ email: 'role@example.com', password: 'long enough', role: 'superuser' })).status).toBe(400);
  });

  it('bounds an administrator to their organization and to roles they hold', async () => {
    const admin = await createClientIn(gatehouse, 'globex', { permissions: ['administer-clients'], scopes: ['user:create', 'user:read'] });
    const token = await tokenFor(gatehouse, admin);
    const member = await api(token).post({ email: 'road@globex.test', password: 'beep beep beep' });
    expect(member.status).toBe(201);
    expect((await api(token).post({ email: 'boss@globex.test', password: 'beep beep beep', role: 'administer-account' })).status).toBe(403);
    const list = await api(token).list();
    expect(list.body.items.map((user: { email: string }) => user.email)).toEqual(['road@globex.test']);
    const outsider = (await api(root).list()).body.items.find((user: { email: string }) => user.email === ADMIN_EMAIL);
    expect((await api(token).get(outsider.id as string)).status).toBe(404);
    expect((await api(token).get('not-a-uuid')).status).toBe(400);
  });

  it('puts a user in more organizations, with a role in each, within what the caller may grant', async () => {
    const user = (await api(root).post({ email: 'multi@example.com', password: 'multi password' })).body as { id: string };
    const joined = await gatehouse.http().put(`/api/v1/users/${user.id}/organizations/globex`).set('Authorization', `Bearer ${root}`).send({ role: 'administer-clients' });
    expect(joined.status).toBe(200);
    expect(joined.body.memberships).toHaveLength(2);
    expect(joined.body.memberships).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'administer-clients' })]));
    expect((await gatehouse.http().put(`/api/v1/users/${user.id}/organizations/nowhere`).set('Authorization', `Bearer ${root}`).send({ role: 'member' })).status).toBe(404);
    expect((await gatehouse.http().put(`/api/v1/users/${user.id}/organizations/globex`).set('Authorization', `Bearer ${root}`).send({ role: 'owner' })).status).toBe(400);

    // An administrator of globex sees the user now, only with their globex membership, and cannot raise it past their own.
    const admin = await createClientIn(gatehouse, 'globex', { permissions: ['administer-clients'], scopes: ['user:read', 'user:update'] });
    const token = await tokenFor(gatehouse, admin);
    const seen = await api(token).get(user.id);
    expect(seen.body.memberships).toEqual([expect.objectContaining({ role: 'administer-clients' })]);
    expect((await gatehouse.http().put(`/api/v1/users/${user.id}/organizations/globex`).set('Authorization', `Bearer ${token}`).send({ role: 'administer-account' })).status).toBe(403);
    expect((await gatehouse.http().put(`/api/v1/users/${user.id}/organizations/default`).set('Authorization', `Bearer ${token}`).send({ role: 'member' })).status).toBe(404);
    // Removing them from globex leaves their account and their other membership.
    const deleter = await tokenFor(gatehouse, await createClientIn(gatehouse, 'globex', { permissions: ['administer-clients'], scopes: ['user:delete'] }));
    expect((await api(deleter).delete(user.id)).status).toBe(204);
    expect((await api(root).get(user.id)).body.memberships).toHaveLength(1);
  });

  it('ends a user\'s tokens when their password changes, and removes them', async () => {
    const app = await createClient(gatehouse, { public: true, redirect_uris: ['http://127.0.0.1:9999/cb'], scopes: ['openid'] });
    const created = await api(root).post({ email: 'changing@example.com', password: 'first password' });
    const browser = new Browser(gatehouse);
    const { verifier, challenge } = pkce();
    const first = await browser.authorize({ response_type: 'code', client_id: app.client_id, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const signedIn = await browser.signIn(location(first).searchParams.get('return_to')!, 'changing@example.com', 'first password');
    const consent = await browser.agent.get(signedIn.headers.location!);
    const { hiddenFields } = await import('./support/browser.js');
    const code = location(await browser.agent.post('/oauth2/authorize').type('form').send({ ...hiddenFields(consent.text), decision: 'allow' })).searchParams.get('code')!;
    const tokens = (await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: app.client_id, code, code_verifier: verifier })).body;
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(200);

    expect((await api(root).patch(created.body.id as string, { password: 'second password' })).status).toBe(200);
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(401);
    const refreshed = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: app.client_id, refresh_token: tokens.refresh_token });
    expect(refreshed.body.error).toBe('invalid_grant');
    // The browser session ended too: the next authorization asks for the password again.
    const again = await browser.authorize({ response_type: 'code', client_id: app.client_id, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    expect(location(again).pathname).toBe('/oauth2/sign-in');

    expect((await api(root).delete(created.body.id as string)).status).toBe(204);
    expect((await api(root).get(created.body.id as string)).status).toBe(404);
    const audit = await gatehouse.http().get('/api/v1/audit').query({ target: created.body.id }).set('Authorization', `Bearer ${root}`);
    expect(audit.body.events.map((event: { action: string }) => event.action)).toEqual(['user.deleted', 'user.updated', 'user.created']);
    expect(JSON.stringify(audit.body)).not.toMatch(/first password|second password/);
  });

  it('validates client registration fields for third-party apps', async () => {
    const create = (body: Record<string, unknown>) => gatehouse.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${root}`).send({ scopes: ['openid'], ...body });
    expect((await create({ redirect_uris: ['http://app.example.com/cb'] })).status).toBe(400);
    expect((await create({ redirect_uris: ['https://app.example.com/cb#fragment'] })).status).toBe(400);
    expect((await create({ redirect_uris: ['not a url'] })).status).toBe(400);
    expect((await create({ logo_uri: 'javascript:alert(1)' })).status).toBe(400);
    expect((await create({ public: true })).status).toBe(400);
    const made = await create({ public: true, redirect_uris: ['http://[::1]:8000/cb', 'https://app.example.com/cb'] });
    expect(made.status).toBe(201);
    expect(made.body.client_secret).toBeUndefined();
    const shown = await gatehouse.http().get(`/api/v1/oauth/client/${made.body.client_id}`).set('Authorization', `Bearer ${root}`);
    expect(shown.body).toMatchObject({ public: true, token_endpoint_auth_method: 'none', redirect_uris: ['http://[::1]:8000/cb', 'https://app.example.com/cb'] });
    expect((await gatehouse.http().post(`/api/v1/oauth/client/${made.body.client_id}/secret`).set('Authorization', `Bearer ${root}`)).status).toBe(409);
  });
});

describe('sign-in hardening', () => {
  it('limits sign-in attempts per address, and marks cookies Secure behind https', async () => {
    const gatehouse = await startApp({ env: { SIGN_IN_RATE_LIMIT_PER_MINUTE: '2', PUBLIC_URL: 'https://auth.example.com' } });
    try {
      const browser = new Browser(gatehouse);
      const form = await browser.agent.get('/oauth2/sign-in');
      expect([form.headers['set-cookie']].flat().join('\n')).toMatch(/^__Host-gatehouse_csrf=[\w-]+; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      // The limit applies before anything else is looked at (the Secure cookies do not come back over plain http here).
      const attempt = () => gatehouse.http().post('/oauth2/sign-in').type('form').send({ email: ADMIN_EMAIL, password: 'guess' });
      expect((await attempt()).status).toBe(403);
      expect((await attempt()).status).toBe(403);
      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBeDefined();
    } finally {
      await gatehouse.close();
    }
  });

  it('locks an account out after repeated wrong passwords, even for the right one, and says the same for unknown emails', async () => {
    const gatehouse = await startApp({ env: { BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_LOCKOUT_SECONDS: '60' } });
    try {
      const browser = new Browser(gatehouse);
      for (const email of [ADMIN_EMAIL, 'nobody@example.com']) {
        for (let attempt = 0; attempt < 3; attempt += 1) expect((await browser.signIn(undefined, email, `wrong password ${attempt}`)).status).toBe(401);
        const locked = await browser.signIn(undefined, email, 'test admin passphrase');
        expect(locked.status).toBe(429);
        expect(locked.headers['retry-after']).toBe('60');
        expect(locked.text).toContain('Too many failed sign-ins for this account');
      }
      // Another account is not affected.
      const root = await tokenFor(gatehouse, ROOT);
      await gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).send({ email: 'other@example.com', password: 'other password' }).expect(201);
      expect((await browser.signIn(undefined, 'other@example.com', 'other password')).status).toBe(303);
    } finally {
      await gatehouse.close();
    }
  });

  it('locks out the address that guesses a password, not the account; guessing from many addresses still hits a bound', async () => {
    const gatehouse = await startApp({ env: { BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_MAX_FAILURES_OVERALL: '5', BRUTE_FORCE_LOCKOUT_SECONDS: '60' } });
    try {
      const attacker = new Browser(gatehouse, '127.0.2.1');
      for (let attempt = 0; attempt < 3; attempt += 1) expect((await attacker.signIn(undefined, ADMIN_EMAIL, `wrong password ${attempt}`)).status).toBe(401);
      expect((await attacker.signIn(undefined, ADMIN_EMAIL, 'test admin passphrase')).status).toBe(429);
      // The administrator, from an address of their own that never signed in before, is let in.
      expect((await new Browser(gatehouse, '127.0.2.2').signIn(undefined, ADMIN_EMAIL, 'test admin passphrase')).status).toBe(303);

      // Two more failures from other addresses spend the account's overall budget (3 + 2 = 5).
      for (const address of ['127.0.2.3', '127.0.2.4']) expect((await new Browser(gatehouse, address).signIn(undefined, ADMIN_EMAIL, 'a guess')).status).toBe(401);
      const fresh = await new Browser(gatehouse, '127.0.2.5').signIn(undefined, ADMIN_EMAIL, 'test admin passphrase');
      expect(fresh.status).toBe(429);
      expect(fresh.text).toContain('Too many failed sign-ins for this account');
      // The address the administrator signed in from keeps working.
      expect((await new Browser(gatehouse, '127.0.2.2').signIn(undefined, ADMIN_EMAIL, 'test admin passphrase')).status).toBe(303);
    } finally {
      await gatehouse.close();
    }
  });

  it('refuses hostile input on the user API and the pages without a 500', async () => {
    const gatehouse = await startApp();
    try {
      const root = await tokenFor(gatehouse, ROOT);
      const create = (body: Record<string, unknown>) => gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).send(body);
      expect((await create({ email: 'nul\u0000@example.com', password: 'long enough' })).status).toBe(400);
      expect((await create({ email: "o'brien@example.com'; DROP TABLE user_account; --", password: 'long enough' })).status).toBe(400);
      expect((await create({ email: 'long@example.com', password: 'long enough', name: '\u{1F600}'.repeat(500) })).status).toBe(400);
      const poisoned = await gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).set('Content-Type', 'application/json').send('{"email": "proto@example.com", "password": "long enough", "__proto__": {"role": "administer-account"}}');
      expect(poisoned.status).toBe(400);
      const unicode = await create({ email: 'unicode@example.com', password: 'pässwörd ünïcode', name: 'Zoë \u{1F600} ١٢٣' });
      expect(unicode.status).toBe(201);
      expect(unicode.body.name).toBe('Zoë \u{1F600} ١٢٣');
      expect((await new Browser(gatehouse).signIn(undefined, 'unicode@example.com', 'pässwörd ünïcode')).status).toBe(303);
      expect((await gatehouse.http().get(`/api/v1/users/${encodeURIComponent("1' OR '1'='1")}`).set('Authorization', `Bearer ${root}`)).status).toBe(400);

      const browser = new Browser(gatehouse);
      expect((await browser.authorize({ response_type: 'code', client_id: "x' OR 1=1 --" })).status).toBe(400);
      expect((await browser.authorize({ response_type: 'code', client_id: 'a'.repeat(5000) })).status).toBe(400);
      expect((await browser.agent.get('/oauth2/authorize?client_id=a&client_id=b')).status).toBe(400);
      expect((await browser.signIn(undefined, 'x\u0000@example.com', 'p'.repeat(10_000))).status).toBe(401);
      const tooBig = await browser.agent.post('/oauth2/sign-in').type('form').send({ email: 'a', password: 'p'.repeat(70_000) });
      expect(tooBig.status).toBe(413);
    } finally {
      await gatehouse.close();
    }
  });
});
