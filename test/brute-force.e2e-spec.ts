import { afterEach, describe, expect, it } from '@jest/globals';
import { type TestApp, ADMIN_EMAIL, startApp } from './support/test-app.js';
import { basic, createClient, type Credentials, ROOT, tokenFor } from './support/oauth.js';
import { manualClock } from './support/clock.js';
import { from } from './support/source-address.js';
import { Browser } from './support/browser.js';
import { ClientLockout, MAX_TRACKED, UserSignInLockout } from '../src/lockout/client-lockout.js';

describe('brute-force protection and rate limits', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string>) => {
    const app = await startApp({ env });
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    while (apps.length > 0) await apps.pop()!.close();
  });
  const attempt = (app: TestApp, credentials: Credentials, address = '127.0.0.1') =>
    app.http().post('/api/v1/oauth/token').agent(from(address)).type('form').send({ grant_type: 'client_credentials', ...credentials });

  it('locks out the address that guesses, not the client: the real client keeps getting tokens from its own address', async () => {
    const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_LOCKOUT_SECONDS: '60' });
    const client = await createClient(app, { scopes: [] });
    const wrong = { ...client, client_secret: 'wrong' };
    for (let index = 0; index < 3; index += 1) expect((await attempt(app, wrong, '127.0.0.2')).status).toBe(401);
    // The attacker's address is locked, even with the right secret.
    expect((await attempt(app, client, '127.0.0.2')).status).toBe(429);
    // The client, from an address that never failed (nor ever succeeded before), is served, by every method.
    expect((await attempt(app, client, '127.0.0.3')).status).toBe(200);
    expect((await app.http().post('/api/v1/oauth/token').agent(from('127.0.0.4')).set('Authorization', basic(client)).type('form').send({ grant_type: 'client_credentials' })).status).toBe(200);
    for (let index = 0; index < 10; index += 1) expect((await attempt(app, wrong, '127.0.0.2')).status).toBe(429);
    expect((await attempt(app, client, '127.0.0.3')).status).toBe(200);
  });

  it('bounds guessing spread over many addresses: past the overall budget only addresses that authenticated recently are served', async () => {
    const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_MAX_FAILURES_OVERALL: '5', BRUTE_FORCE_LOCKOUT_SECONDS: '60' });
    const clock = manualClock(app);
    const client = await createClient(app, { scopes: [] });
    expect((await attempt(app, client, '127.0.0.3')).status).toBe(200);
    const wrong = { ...client, client_secret: 'wrong' };
    for (let host = 1; host <= 5; host += 1) expect((await attempt(app, wrong, `127.0.1.${host}`)).status).toBe(401);
    // No further guess is even checked, from any address that has not authenticated: not even the right secret passes.
    const refused = await attempt(app, client, '127.0.1.6');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect((await attempt(app, wrong, '127.0.1.1')).status).toBe(429);
    // The client's own address, which authenticated before the attack, keeps working.
    expect((await attempt(app, client, '127.0.0.3')).status).toBe(200);
    const root = await tokenFor(app, ROOT);
    const status = await app.http().get(`/api/v1/oauth/client/${client.client_id}/lockout`).set('Authorization', `Bearer ${root}`);
    expect(status.body).toMatchObject({ locked: true, lockouts: 1, locked_until: expect.any(String), locked_addresses: [] });

    // The wait ends; the next spent budget doubles it.
    clock.advance(60_000);
    expect((await attempt(app, client, '127.0.1.6')).status).toBe(200);
    for (let host = 1; host <= 5; host += 1) expect((await attempt(app, wrong, `127.0.1.${host}`)).status).toBe(401);
    expect((await attempt(app, client, '127.0.1.7')).headers['retry-after']).toBe('120');
    // 127.0.1.6 authenticated a moment ago: it is known now.
    expect((await attempt(app, client, '127.0.1.6')).status).toBe(200);
  });

  it('behind a trusted proxy (TRUST_PROXY) counts the caller that X-Forwarded-For names, and believes no other address', async () => {
    const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_LOCKOUT_SECONDS: '60', TRUST_PROXY: '127.0.0.1' });
    const client = await createClient(app, { scopes: [] });
    const wrong = { ...client, client_secret: 'wrong' };
    const forwarded = (credentials: Credentials, caller: string, address = '127.0.0.1') =>
      app.http().post('/api/v1/oauth/token').agent(from(address)).set('X-Forwarded-For', caller).type('form').send({ grant_type: 'client_credentials', ...credentials });
    for (let index = 0; index < 3; index += 1) expect((await forwarded(wrong, '203.0.113.5')).status).toBe(401);
    expect((await forwarded(client, '203.0.113.5')).status).toBe(429);
    expect((await forwarded(client, '203.0.113.6')).status).toBe(200);
    // From an address that is no trusted proxy, X-Forwarded-For is ignored: changing it does not escape the lockout.
    for (let index = 0; index < 3; index += 1) expect((await forwarded(wrong, `198.51.100.${index}`, '127.0.0.2')).status).toBe(401);
    expect((await forwarded(client, '198.51.100.9', '127.0.0.2')).status).toBe(429);
  });

  it('locks an address out for a client_id after repeated failures, even with the right secret, for a growing wait; admins see and clear it', async () => {
    const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_LOCKOUT_SECONDS: '2' });
    const clock = manualClock(app);
    const client = await createClient(app, { scopes: [] });
    const wrong = { ...client, client_secret: 'wrong' };
    for (let index = 0; index < 3; index += 1) expect((await attempt(app, wrong)).status).toBe(401);

    const locked = await attempt(app, client);
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('2');
    expect(locked.body).toEqual({ error: 'invalid_client', error_description: 'Too many failed authentication attempts for this client; retry in 2 seconds' });
    const viaBasic = await app.http().post('/api/v1/oauth/token').set('Authorization', basic(client)).type('form').send({ grant_type: 'client_credentials' });
    expect(viaBasic.status).toBe(429);

    const root = await tokenFor(app, ROOT);
    const lockout = () => app.http().get(`/api/v1/oauth/client/${client.client_id}/lockout`).set('Authorization', `Bearer ${root}`);
    const status = await lockout();
    expect(status.status).toBe(200);
    expect(status.body).toEqual({ client_id: client.client_id, failures: 3, lockouts: 0, locked: false, locked_until: null, locked_addresses: [{ address: '127.0.0.1', failures: 0, lockouts: 1, locked_until: expect.any(String) }] });

    clock.advance(2100);
    for (let index = 0; index < 3; index += 1) expect((await attempt(app, wrong)).status).toBe(401);
    const second = await attempt(app, client);
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBe('4');
    clock.advance(3000);
    expect((await attempt(app, client)).headers['retry-after']).toBe('1');

    await app.http().delete(`/api/v1/oauth/client/${client.client_id}/lockout`).set('Authorization', `Bearer ${root}`).expect(204);
    expect((await attempt(app, client)).status).toBe(200);
    expect((await lockout()).body).toEqual({ client_id: client.client_id, failures: 0, lockouts: 0, locked: false, locked_until: null, locked_addresses: [] });
  });

  it('locks an address that sprays wrong secrets over many client ids out of every client it has not authenticated as', async () => {
    const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS: '4', BRUTE_FORCE_LOCKOUT_SECONDS: '60' });
    const own = await createClient(app, { scopes: [] });
    const victim = await createClient(app, { scopes: [] });
    expect((await attempt(app, own, '127.0.6.1')).status).toBe(200);
    // One guess per id stays below every id's own bounds; four from one address spend the address's.
    for (let index = 0; index < 4; index += 1) expect((await attempt(app, { client_id: `sprayed-${index}`, client_secret: 'a guess' }, '127.0.6.1')).status).toBe(401);
    const refused = await attempt(app, victim, '127.0.6.1');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    // The client this address authenticated as keeps working from it, and the victim from elsewhere.
    expect((await attempt(app, own, '127.0.6.1')).status).toBe(200);
    expect((await attempt(app, victim, '127.0.6.2')).status).toBe(200);
  });

  it("an account's overall bound on sign-in cannot be flushed by failures on many unknown emails", async () => {
    const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_MAX_FAILURES_OVERALL: '5', BRUTE_FORCE_LOCKOUT_SECONDS: '600' });
    const signIn = (address: string, email: string, password: string) => new Browser(app, address).signIn(undefined, email, password);
    for (let host = 1; host <= 5; host += 1) expect((await signIn(`127.0.7.${host}`, ADMIN_EMAIL, 'a guess')).status).toBe(401);
    expect((await signIn('127.0.7.6', ADMIN_EMAIL, 'test admin passphrase')).status).toBe(429);
    // Unknown emails are counted like any other (401, and locked the same way)...
    expect((await signIn('127.0.7.7', 'nobody-0@example.com', 'a guess')).status).toBe(401);
    // ...so a flood of them from many addresses, recorded here on the app's own sign-in counters as the sign-in
    // page records each (to keep the test fast), must not evict the account's counter.
    const lockout = app.app.get(UserSignInLockout);
    for (let index = 1; index <= 100_000; index += 1) lockout.recordFailure(`user:nobody-${index}@example.com`, `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`);
    expect((await signIn('127.0.7.8', ADMIN_EMAIL, 'test admin passphrase')).status).toBe(429);
  });

  it("keeps users' sign-in failures in their own counter store: spraying emails neither evicts nor blocks the clients' lockouts", async () => {
    const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_MAX_FAILURES_OVERALL: '5', BRUTE_FORCE_LOCKOUT_SECONDS: '600' });
    const client = await createClient(app, { scopes: [] });
    const wrong = { ...client, client_secret: 'wrong' };
    // The client's lockout: the address that guessed is locked out of it.
    for (let index = 0; index < 3; index += 1) expect((await attempt(app, wrong, '127.0.8.1')).status).toBe(401);
    expect((await attempt(app, client, '127.0.8.1')).status).toBe(429);
    // A failed sign-in is counted in the users' store...
    const users = app.app.get(UserSignInLockout);
    expect((await new Browser(app, '127.0.8.2').signIn(undefined, 'sprayed-0@example.com', 'a guess')).status).toBe(401);
    expect(users.status('user:sprayed-0@example.com')).toMatchObject({ failures: 1 });
    // ...so a spray over as many emails and addresses as that store holds (recorded here as the sign-in page records each) fills it alone.
    for (let index = 1; index <= MAX_TRACKED; index += 1) users.recordFailure(`user:sprayed-${index}@example.com`, `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`);
    expect((await new Browser(app, '127.0.8.3').signIn(undefined, 'someone-new@example.com', 'a guess')).status).toBe(429);
    // The client's lockout survives, and the clients' counters keep counting: the client is served from a new address,
    // and another client's failures from new addresses are counted (401 until its own lockout), not refused unchecked.
    expect((await attempt(app, client, '127.0.8.1')).status).toBe(429);
    expect(app.app.get(ClientLockout).status(client.client_id)).toMatchObject({ failures: 3, locked_addresses: [expect.objectContaining({ address: '127.0.8.1' })] });
    expect((await attempt(app, client, '127.0.8.4')).status).toBe(200);
    const other = await createClient(app, { scopes: [] });
    const otherWrong = { ...other, client_secret: 'wrong' };
    for (let index = 0; index < 3; index += 1) expect((await attempt(app, otherWrong, '127.0.8.5')).status).toBe(401);
    expect((await attempt(app, other, '127.0.8.5')).status).toBe(429);
    expect((await attempt(app, other, '127.0.8.6')).status).toBe(200);
  });

  it('counts unknown ids the same way, and a success resets the count', async () => {
    const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3' });
    for (let index = 0; index < 3; index += 1) await attempt(app, { client_id: 'ghost', client_secret: 'x' });
    expect((await attempt(app, { client_id: 'ghost', client_secret: 'x' })).status).toBe(429);
    const client = await createClient(app, { scopes: [] });
    for (let round = 0; round < 3; round += 1) {
      for (let index = 0; index < 2; index += 1) expect((await attempt(app, { ...client, client_secret: 'wrong' })).status).toBe(401);
      expect((await attempt(app, client)).status).toBe(200);
    }
  });

  it('limits requests per IP on the token endpoint with 429 and Retry-After, and not elsewhere', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: '5' });
    const statuses: number[] = [];
    for (let index = 0; index < 6; index += 1) statuses.push((await attempt(app, ROOT)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await attempt(app, ROOT);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.headers['cache-control']).toBe('no-store');
    expect((limited.body as { error: string }).error).toBe('temporarily_unavailable');
    for (let index = 0; index < 10; index += 1) expect((await app.http().get('/.well-known/jwks.json')).status).toBe(200);
    // The realm endpoint has its own budget.
    expect((await app.http().post('/auth/realms/default/protocol/openid-connect/token').type('form').send({ grant_type: 'client_credentials', ...ROOT })).status).toBe(200);
  });

  it('limits introspection and revocation per IP too', async () => {
    const app = await start({ RATE_LIMIT_PER_MINUTE: '3' });
    for (const path of ['/api/v1/oauth/introspect', '/api/v1/oauth/revoke']) {
      const statuses: number[] = [];
      for (let index = 0; index < 4; index += 1) statuses.push((await app.http().post(path).set('Authorization', basic(ROOT)).type('form').send({ token: 'x' })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    }
  });

  it('records a lockout of an existing client in the audit trail, and its clearing', async () => {
    const app = await start({ BRUTE_FORCE_MAX_FAILURES: '2' });
    const client = await createClient(app, { scopes: [] });
    for (let index = 0; index < 2; index += 1) await attempt(app, { ...client, client_secret: 'wrong' });
    for (let index = 0; index < 2; index += 1) await attempt(app, { client_id: 'nobody', client_secret: 'wrong' });
    const root = await tokenFor(app, ROOT);
    await app.http().delete(`/api/v1/oauth/client/${client.client_id}/lockout`).set('Authorization', `Bearer ${root}`).expect(204);
    const events = (await app.http().get('/api/v1/audit?action=client.locked_out').set('Authorization', `Bearer ${root}`)).body as { events: { actor: unknown; target: { id: string }; details: Record<string, unknown> }[] };
    expect(events.events).toHaveLength(1);
    expect(events.events[0]).toMatchObject({ actor: { type: 'system', id: 'gatehouse' }, target: { id: client.client_id }, details: { locked_until: expect.any(String) } });
    const cleared = (await app.http().get(`/api/v1/audit?action=client.lockout_cleared&target=${client.client_id}`).set('Authorization', `Bearer ${root}`)).body as { events: unknown[] };
    expect(cleared.events).toHaveLength(1);
  });
});
