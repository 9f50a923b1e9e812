import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { addMembership, APP_REDIRECT, createUser, userTokens } from './support/principals.js';
import { createClientIn, createOrganization, realmToken } from './support/tenants.js';
import { from } from './support/source-address.js';
import { ClientLockout } from '../src/lockout/client-lockout.js';
import { PasswordHasher } from '../src/users/password-hasher.js';

/** Defects the re-run of the outside review found after the fixes of issue 14: each test fails while the defect is there. */
describe('review findings after issue 14', () => {
  let gatehouse: TestApp;
  let root: string;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
    await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true, require_project_scoped_tokens: false });
    await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true, require_project_scoped_tokens: false });
  });
  afterAll(() => gatehouse.close());

  describe('an organization token stands for what its granting user may do now', () => {
    const orgTokenFor = async (email: string) => {
      const person = { email, password: 'granting user passphrase' };
      const userId = await createUser(gatehouse, person, 'globex', 'administer-clients');
      const app = await createClient(gatehouse, { name: `Integrations ${email}`, public: false, redirect_uris: [APP_REDIRECT], permissions: ['administer-clients'], scopes: [] });
      const tokens = await userTokens(gatehouse, { clientId: app.client_id, clientSecret: app.client_secret, scope: 'client:create client:read', person, organization: 'globex' });
      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(tokens.access_token))).status).toBe(200);
      return { userId, app, tokens };
    };

    it('is refused once the granting user is demoted to member in that organization (access and refresh token)', async () => {
      const { userId, app, tokens } = await orgTokenFor('demoted@example.com');
      expect((await gatehouse.http().put(`/api/v1/users/${userId}/organizations/globex`).set(bearer(root)).send({ role: 'member' })).status).toBe(200);
      const created = await gatehouse.http().post('/api/v1/oauth/client').set(bearer(tokens.access_token)).send({ scopes: ['client:read'] });
      expect(created.status).toBe(401);
      const refreshed = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...app });
      expect(refreshed.status).toBe(400);
      expect(refreshed.body.error).toBe('invalid_grant');
    });

    it('is refused once the granting user is disabled (README: disabled refuses their tokens at once)', async () => {
      const { userId, app, tokens } = await orgTokenFor('disabled@example.com');
      expect((await gatehouse.http().patch(`/api/v1/users/${userId}`).set(bearer(root)).send({ disabled: true })).status).toBe(200);
      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(tokens.access_token))).status).toBe(401);
      const refreshed = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...app });
      expect(refreshed.status).toBe(400);
      expect(refreshed.body.error).toBe('invalid_grant');
    });
  });

  describe('a user token narrowed to token:personal grants no more than it holds', () => {
    const person = { email: 'narrow@example.com', password: 'narrow user passphrase' };
    let narrow: string;

    beforeAll(async () => {
      const userId = await createUser(gatehouse, person, 'acme', 'administer-account');
      await addMembership(gatehouse, userId, 'globex', 'administer-account');
      // A third-party app of acme that only asks to manage the user's personal access tokens.
      const app = await createClientIn(gatehouse, 'acme', { name: 'Token helper', public: true, redirect_uris: [APP_REDIRECT], scopes: ['token:personal'] });
      const tokens = await userTokens(gatehouse, { clientId: app.client_id, scope: 'token:personal', person, realm: 'acme' });
      expect(tokens.scope).toBe('token:personal');
      narrow = tokens.access_token;
      // The narrow token itself cannot administer anything.
      expect((await gatehouse.http().get('/api/v1/users').set(bearer(narrow))).status).toBe(403);
    });

    it('cannot mint a personal access token carrying user:update in its own organization', async () => {
      const minted = await gatehouse.http().post('/api/v1/users/me/tokens').set(bearer(narrow)).send({ name: 'escalated', scopes: ['user:read', 'user:update'], expires_in_days: 1 });
      expect(minted.status).toBe(403);
    });

    it("cannot mint a personal access token for another organization than its realm's", async () => {
      const minted = await gatehouse.http().post('/api/v1/users/me/tokens').set(bearer(narrow)).send({ name: 'elsewhere', scopes: ['user:read'], expires_in_days: 1, organization: 'globex' });
      expect(minted.status).toBe(403);
    });
  });

  it("an organization's administrator cannot push a not-before that revokes the root client's tokens", async () => {
    // An administer-account client of the built-in organization, where the root client lives.
    const admin = await createClient(gatehouse, { name: 'built-in admin', permissions: ['administer-account'], scopes: [] });
    const adminToken = await tokenFor(gatehouse, admin);
    const [builtIn] = (await gatehouse.http().get('/api/v1/organizations').set(bearer(adminToken))).body as { name: string }[];
    const rootToken = await tokenFor(gatehouse, ROOT);
    const pushed = await gatehouse.http().post(`/api/v1/organizations/${builtIn!.name}/not-before`).set(bearer(adminToken));
    expect(pushed.status).toBe(403);
    expect((await gatehouse.http().get('/api/v1/organizations').set(bearer(rootToken))).status).toBe(200);
  });

  // Issue 14, section 5: accounts are shared across organizations, so an administrator adds people
  // by invitation, and an existing account and a new one get the same answer.
  it("creating a user whose email exists only in another organization does not reveal that it exists", async () => {
    await createUser(gatehouse, { email: 'globex-only@example.com', password: 'globex user passphrase' }, 'globex', 'member');
    const acmeAdmin = await realmToken(gatehouse, 'acme', await createClientIn(gatehouse, 'acme', { name: 'acme users', permissions: ['administer-account'] }));
    const hashes = jest.spyOn(gatehouse.app.get(PasswordHasher), 'hash');
    const create = (email: string) => gatehouse.http().post('/api/v1/users').set(bearer(acmeAdmin)).send({ email, password: 'some passphrase', name: 'Someone' });
    const fresh = await create('nowhere-yet@example.com');
    const hashedForFresh = hashes.mock.calls.length;
    const existing = await create('globex-only@example.com');
    const hashedForExisting = hashes.mock.calls.length - hashedForFresh;
    hashes.mockRestore();
    expect(existing.status).not.toBe(409);
    expect(JSON.stringify(existing.body)).not.toContain('exists');
    // The same status, fields, values and membership status, after the same scrypt work.
    expect(existing.status).toBe(fresh.status);
    const shape = (body: Record<string, unknown>) => ({ ...body, id: typeof body.id, email: typeof body.email, created_at: typeof body.created_at, updated_at: typeof body.updated_at, invitation_url: typeof body.invitation_url });
    expect(shape(existing.body)).toEqual(shape(fresh.body));
    expect(existing.body.memberships).toEqual([{ organization_id: expect.any(String), role: 'member', status: 'invited' }]);
    expect(hashedForExisting).toBe(1);
    expect(hashedForFresh).toBe(1);
    // The organization's list and the user's own entry tell no more.
    const listed = (await gatehouse.http().get('/api/v1/users').set(bearer(acmeAdmin))).body.items as Record<string, unknown>[];
    const entry = (email: string) => shape(listed.find((user) => user.email === email)!);
    expect(entry('globex-only@example.com')).toEqual(entry('nowhere-yet@example.com'));
    // Newest invitation first, whatever the account's age.
    expect(listed.map((user) => user.email).slice(0, 2)).toEqual(['globex-only@example.com', 'nowhere-yet@example.com']);
    // Read back, the answer is the creation's without its one-time invitation link.
    expect(shape((await gatehouse.http().get(`/api/v1/users/${existing.body.id}`).set(bearer(acmeAdmin))).body)).toEqual(shape({ ...fresh.body, invitation_url: undefined }));
    // The password in the body changed nothing: the account holder signs in with their own.
    const portal = (await createClientIn(gatehouse, 'globex', { name: 'globex portal', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid'] })).client_id;
    await expect(userTokens(gatehouse, { clientId: portal, scope: 'openid', person: { email: 'globex-only@example.com', password: 'globex user passphrase' }, realm: 'globex' })).resolves.toHaveProperty('access_token');
    await expect(userTokens(gatehouse, { clientId: portal, scope: 'openid', person: { email: 'globex-only@example.com', password: 'some passphrase' }, realm: 'globex' })).rejects.toThrow(/sign-in/);
  });

  it('the overall lockout bound of a client cannot be flushed by failures against many unknown client ids', async () => {
    const app = await startApp({ env: { BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_MAX_FAILURES_OVERALL: '5', BRUTE_FORCE_LOCKOUT_SECONDS: '600' } });
    try {
      const victim = await createClient(app, { name: 'victim', scopes: ['scope:read'] });
      const guess = (address: string, clientId = victim.client_id) =>
        app.http().post('/api/v1/oauth/token').agent(from(address)).type('form').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: 'a wrong guess' });
      // Guesses spread over addresses spend the victim's overall budget: fresh addresses are no longer served.
      for (const address of ['127.0.3.1', '127.0.3.2', '127.0.3.3', '127.0.3.4', '127.0.3.5']) expect((await guess(address)).status).toBe(401);
      expect((await guess('127.0.3.6')).status).toBe(429);
      // A failure with an unknown client id is counted like any other (and answers 401)...
      expect((await guess('127.0.3.7', 'no-such-client-0')).status).toBe(401);
      // ...so a flood of failures with distinct unknown ids, which the token endpoint records one by one
      // (driven here on the app's own ClientLockout to keep the test fast), is all it takes to evict the victim's counter.
      const lockout = app.app.get(ClientLockout);
      for (let index = 1; index <= 100_000; index += 1) lockout.recordFailure(`no-such-client-${index}`, `127.0.4.${index % 250}`);
      // The bound must still hold for a fresh address.
      expect((await guess('127.0.3.8')).status).toBe(429);
    } finally {
      await app.close();
    }
  });
});
