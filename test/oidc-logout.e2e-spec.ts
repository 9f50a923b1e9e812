import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { migrations } from '../src/database/migrations/index.js';
import { ClientLogoutAndIdTokenAlg1764530000000 } from '../src/database/migrations/1764530000000-client-logout-and-id-token-alg.js';
import { type TestApp, emptyDatabaseUrl, startApp } from './support/test-app.js';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { createClient, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization } from './support/tenants.js';
import { manualClock } from './support/clock.js';
import { createUser, type Person } from './support/principals.js';

const REDIRECT = 'https://app.example.com/callback';
const SIGNED_OUT = 'https://app.example.com/signed-out';
const ISSUER = 'http://localhost:8080';

type Tokens = { access_token: string; id_token: string };
type Metadata = Record<string, unknown> & { id_token_signing_alg_values_supported: string[]; access_token_signing_alg_values_supported: string[]; end_session_endpoint: string };

/** ID token algorithms (RS256 by default, a client's choice otherwise) and OpenID Connect RP-Initiated Logout. */
describe('ID token algorithms and RP-Initiated Logout', () => {
  let app: TestApp;
  let root: string;
  let appClient: string;

  beforeAll(async () => {
    app = await startApp();
    root = await tokenFor(app, ROOT);
    appClient = (await createClient(app, { name: 'Logout App', public: true, redirect_uris: [REDIRECT], post_logout_redirect_uris: [SIGNED_OUT], scopes: ['openid', 'email'] })).client_id;
  });
  afterAll(() => app.close());

  const jwks = async () => createLocalJWKSet((await app.http().get('/.well-known/jwks.json').expect(200)).body as never);

  /** Signs in in a fresh browser (or the given one), consents, and redeems the code. */
  async function signIn(clientId: string, options: { browser?: Browser; path?: string; tokenPath?: string; person?: Person } = {}): Promise<{ browser: Browser; tokens: Tokens }> {
    const browser = options.browser ?? new Browser(app);
    const { verifier, challenge } = pkce();
    const back = await browser.authorizeAndDecide({ response_type: 'code', client_id: clientId, scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n-1' }, 'allow', options.path, options.person);
    const code = location(back).searchParams.get('code');
    if (!code) throw new Error(`no code: ${back.status} ${back.headers.location ?? back.text}`);
    const token = await app.http().post(options.tokenPath ?? '/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier });
    if (token.status !== 200) throw new Error(`token: ${token.status} ${JSON.stringify(token.body)}`);
    return { browser, tokens: token.body as Tokens };
  }

  /** Whether the browser is still signed in: an authorization request goes to the sign-in page when it is not. */
  async function signedIn(browser: Browser, clientId = appClient): Promise<boolean> {
    const { challenge } = pkce();
    const response = await browser.authorize({ response_type: 'code', client_id: clientId, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    return !(response.status === 302 && location(response).pathname === '/oauth2/sign-in');
  }

  describe('ID token signing algorithms', () => {
    it('publishes RS256 and every algorithm a client may choose for ID tokens, OAUTH_SIGNING_ALG for access tokens, and the end session endpoint', async () => {
      await createOrganization(app, { name: 'algs', oauth_enabled: true });
      for (const [path, endSession] of [
        ['/.well-known/openid-configuration', `${ISSUER}/oauth2/logout`],
        ['/.well-known/oauth-authorization-server', `${ISSUER}/oauth2/logout`],
        ['/auth/realms/algs/.well-known/openid-configuration', `${ISSUER}/auth/realms/algs/protocol/openid-connect/logout`],
      ]) {
        const metadata = (await app.http().get(path!).expect(200)).body as Metadata;
        expect(metadata.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256', 'EdDSA']);
        expect(metadata.access_token_signing_alg_values_supported).toEqual(['ES256']);
        expect(metadata.end_session_endpoint).toBe(endSession);
      }
      const keys = ((await app.http().get('/.well-known/jwks.json').expect(200)).body as { keys: { alg: string; kty: string; d?: string }[] }).keys;
      expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
      expect(keys.find((key) => key.alg === 'RS256')).toMatchObject({ kty: 'RSA' });
      expect(keys.some((key) => key.d !== undefined)).toBe(false);
    });

    it('signs ID tokens with RS256 by default and access tokens with ES256; userinfo still takes the access token', async () => {
      const { tokens } = await signIn(appClient);
      const idToken = await jwtVerify(tokens.id_token, await jwks(), { issuer: ISSUER, audience: appClient, algorithms: ['RS256'] });
      expect(idToken.payload.at_hash).toBe(createHash('sha256').update(tokens.access_token).digest().subarray(0, 16).toString('base64url'));
      expect(decodeJwt(tokens.access_token).header.alg).toBe('ES256');
      const userinfo = await app.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
      expect(userinfo.status).toBe(200);
      expect((userinfo.body as { sub: string }).sub).toBe(idToken.payload.sub);
      const shown = (await app.http().get(`/api/v1/oauth/client/${appClient}`).set('Authorization', `Bearer ${root}`).expect(200)).body as Record<string, unknown>;
      expect(shown).toMatchObject({ id_token_signed_response_alg: 'RS256', post_logout_redirect_uris: [SIGNED_OUT] });
    });

    it('lets a client choose ES256 or EdDSA at creation and change it, refuses anything else, and audits the choice', async () => {
      const chosen = (await createClient(app, { public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'email'], id_token_signed_response_alg: 'EdDSA' })).client_id;
      const created = (await app.http().get('/api/v1/audit').query({ target: chosen, action: 'client.created' }).set('Authorization', `Bearer ${root}`).expect(200)).body as { events: { details: Record<string, unknown> }[] };
      expect(created.events[0]!.details).toMatchObject({ id_token_signed_response_alg: 'EdDSA', post_logout_redirect_uris: [] });

      const eddsa = (await signIn(chosen)).tokens;
      await jwtVerify(eddsa.id_token, await jwks(), { issuer: ISSUER, audience: chosen, algorithms: ['EdDSA'] });
      // Ed25519's hash is SHA-512: at_hash is its left half.
      expect(decodeJwt(eddsa.id_token).payload.at_hash).toBe(createHash('sha512').update(eddsa.access_token).digest().subarray(0, 32).toString('base64url'));
      expect(decodeJwt(eddsa.access_token).header.alg).toBe('ES256');

      const updated = await app.http().put(`/api/v1/oauth/client/${chosen}`).set('Authorization', `Bearer ${root}`).send({ id_token_signed_response_alg: 'ES256' });
      expect(updated.status).toBe(200);
      expect((updated.body as Record<string, unknown>).id_token_signed_response_alg).toBe('ES256');
      const changed = (await app.http().get('/api/v1/audit').query({ target: chosen, action: 'client.updated' }).set('Authorization', `Bearer ${root}`).expect(200)).body as { events: { details: Record<string, unknown> }[] };
      expect(changed.events[0]!.details).toMatchObject({ id_token_signed_response_alg: 'ES256' });
      await jwtVerify((await signIn(chosen)).tokens.id_token, await jwks(), { issuer: ISSUER, audience: chosen, algorithms: ['ES256'] });

      for (const alg of ['HS256', 'none', 'RS512', '']) {
        const refused = await app.http().put(`/api/v1/oauth/client/${chosen}`).set('Authorization', `Bearer ${root}`).send({ id_token_signed_response_alg: alg });
        expect(refused.status).toBe(400);
        expect(JSON.stringify(refused.body)).toMatch(/id_token_signed_response_alg/);
      }
      const badCreate = await app.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${root}`).send({ scopes: [], id_token_signed_response_alg: 'HS256' });
      expect(badCreate.status).toBe(400);
    });

    it("rotates each algorithm's key on its own; tokens of the retired key keep verifying", async () => {
      const before = await signIn(appClient);
      const jwksBefore = ((await app.http().get('/.well-known/jwks.json')).body as { keys: { kid: string; alg: string }[] }).keys;
      const rotated = await app.http().post('/api/v1/oauth/keys/rotate').query({ alg: 'RS256' }).set('Authorization', `Bearer ${root}`);
      expect(rotated.status).toBe(200);
      expect(rotated.body).toMatchObject({ alg: 'RS256', status: 'active' });
      const newKid = (rotated.body as { kid: string }).kid;
      const jwksAfter = ((await app.http().get('/.well-known/jwks.json')).body as { keys: { kid: string; alg: string }[] }).keys;
      // The ES256 and EdDSA keys are untouched; the old RS256 key is still published beside the new one.
      expect(jwksAfter.map((key) => key.kid).sort()).toEqual([...jwksBefore.map((key) => key.kid), newKid].sort());

      const after = await signIn(appClient);
      expect(decodeJwt(after.tokens.id_token).header.kid).toBe(newKid);
      expect(decodeJwt(after.tokens.access_token).header.kid).toBe(decodeJwt(before.tokens.access_token).header.kid);
      await jwtVerify(before.tokens.id_token, await jwks(), { issuer: ISSUER, algorithms: ['RS256'] });
      expect((await app.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${before.tokens.access_token}`)).status).toBe(200);

      // Without alg: OAUTH_SIGNING_ALG's key, the access tokens'.
      const accessRotated = await app.http().post('/api/v1/oauth/keys/rotate').set('Authorization', `Bearer ${root}`);
      expect(accessRotated.body).toMatchObject({ alg: 'ES256' });
      expect((await app.http().post('/api/v1/oauth/keys/rotate').query({ alg: 'HS256' }).set('Authorization', `Bearer ${root}`)).status).toBe(400);
    });
  });

  describe('RP-Initiated Logout', () => {
    it('ends the session of the user the id_token_hint names and sends the browser to the registered URI with state', async () => {
      const { browser, tokens } = await signIn(appClient);
      expect(await signedIn(browser)).toBe(true);
      const response = await browser.agent.get('/oauth2/logout').query({ id_token_hint: tokens.id_token, post_logout_redirect_uri: SIGNED_OUT, state: 'st-1' });
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe(`${SIGNED_OUT}?state=st-1`);
      expect(await signedIn(browser)).toBe(false);

      const sub = decodeJwt(tokens.id_token).payload.sub as string;
      const audit = (await app.http().get('/api/v1/audit').query({ target: sub, action: 'user.signed_out' }).set('Authorization', `Bearer ${root}`).expect(200)).body as { events: { actor: { type: string; id: string }; details: Record<string, unknown> }[] };
      expect(audit.events[0]).toMatchObject({ actor: { type: 'user', id: sub }, details: { client_id: appClient, via: 'end_session_endpoint' } });
    });

    it('accepts a form POST and an expired hint, and shows a signed-out page without a redirect URI', async () => {
      const { browser, tokens } = await signIn(appClient);
      const clock = manualClock(app);
      try {
        clock.advance(2 * 3600_000);
        const response = await browser.agent.post('/oauth2/logout').type('form').send({ id_token_hint: tokens.id_token });
        expect(response.status).toBe(200);
        expect(response.text).toMatch(/signed out/i);
      } finally {
        jest.restoreAllMocks();
      }
      expect(await signedIn(browser)).toBe(false);
      const posted = await signIn(appClient);
      const redirected = await posted.browser.agent.post('/oauth2/logout').type('form').send({ id_token_hint: posted.tokens.id_token, post_logout_redirect_uri: SIGNED_OUT, state: 's' });
      expect(redirected.status).toBe(303);
      expect(redirected.headers.location).toBe(`${SIGNED_OUT}?state=s`);
    });

    it('refuses an unregistered post_logout_redirect_uri, or one whose client is unknown, with a 400 page, and keeps the session', async () => {
      const { browser, tokens } = await signIn(appClient);
      for (const query of [
        { id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://evil.example.com/' },
        { id_token_hint: tokens.id_token, post_logout_redirect_uri: `${SIGNED_OUT}/` },
        { id_token_hint: tokens.id_token, post_logout_redirect_uri: REDIRECT },
        { client_id: appClient, post_logout_redirect_uri: 'https://evil.example.com/' },
        { post_logout_redirect_uri: SIGNED_OUT },
        { client_id: 'no-such-client', post_logout_redirect_uri: SIGNED_OUT },
        { id_token_hint: tokens.id_token, state: ['a', 'b'] },
      ]) {
        const response = await browser.agent.get('/oauth2/logout').query(query);
        expect([response.status, response.headers.location]).toEqual([400, undefined]);
        expect(response.headers['content-type']).toMatch(/text\/html/);
      }
      expect(await signedIn(browser)).toBe(true);
    });

    it('refuses a hint it did not sign, an access token as hint, and a hint for another client than client_id', async () => {
      const { browser, tokens } = await signIn(appClient);
      const other = (await createClient(app, { public: true, redirect_uris: [REDIRECT], post_logout_redirect_uris: [SIGNED_OUT], scopes: ['openid'] })).client_id;
      const [header, payload, signature] = tokens.id_token.split('.');
      const forgedPayload = Buffer.from(JSON.stringify({ ...decodeJwt(tokens.id_token).payload, sub: 'someone-else' })).toString('base64url');
      const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: decodeJwt(tokens.id_token).header.kid })).toString('base64url');
      for (const [hint, extra] of [
        [`${header}.${forgedPayload}.${signature}`, {}],
        [`${header}.${payload}.${Buffer.from('x'.repeat(256)).toString('base64url')}`, {}],
        [`${noneHeader}.${payload}.`, {}],
        ['not-a-jwt', {}],
        [tokens.access_token, {}],
        [tokens.id_token, { client_id: other }],
        [tokens.id_token, { client_id: other, post_logout_redirect_uri: SIGNED_OUT }],
      ] as const) {
        const response = await browser.agent.get('/oauth2/logout').query({ id_token_hint: hint, ...extra });
        expect([response.status, response.headers.location]).toEqual([400, undefined]);
      }
      expect(await signedIn(browser)).toBe(true);
    });

    it("checks the hint's issuer and client against the realm whose endpoint is called", async () => {
      await createOrganization(app, { name: 'logout-a', oauth_enabled: true });
      await createOrganization(app, { name: 'logout-b', oauth_enabled: true });
      const realmClient = (await createClientIn(app, 'logout-a', { public: true, redirect_uris: [REDIRECT], post_logout_redirect_uris: [SIGNED_OUT], scopes: ['openid', 'email'] })).client_id;
      const person = { email: 'member@logout-a.test', password: 'logout member password' };
      await createUser(app, person, 'logout-a', 'member');
      const realm = '/auth/realms/logout-a/protocol/openid-connect';
      const { browser, tokens } = await signIn(realmClient, { path: `${realm}/auth`, tokenPath: `${realm}/token`, person });
      expect(decodeJwt(tokens.id_token).payload.iss).toBe(`${ISSUER}/auth/realms/logout-a`);

      // Another realm's endpoint does not know this client; the default endpoint's hint of another client is refused as ever.
      const elsewhere = await browser.agent.get('/auth/realms/logout-b/protocol/openid-connect/logout').query({ id_token_hint: tokens.id_token, post_logout_redirect_uri: SIGNED_OUT });
      expect(elsewhere.status).toBe(400);
      expect((await browser.agent.get('/auth/realms/nowhere/protocol/openid-connect/logout').query({ id_token_hint: tokens.id_token })).status).toBe(404);
      // A default-issuer ID token presented at the realm endpoint: another issuer.
      const defaultToken = (await signIn(appClient)).tokens.id_token;
      expect((await browser.agent.get(`${realm}/logout`).query({ id_token_hint: defaultToken })).status).toBe(400);

      const response = await browser.agent.get(`${realm}/logout`).query({ id_token_hint: tokens.id_token, post_logout_redirect_uri: SIGNED_OUT, state: 'realm-state' });
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe(`${SIGNED_OUT}?state=realm-state`);
      expect(await signedIn(browser, realmClient)).toBe(false);
    });

    it('asks the user first when the hint is missing or names another user, and takes the answer only with the CSRF token', async () => {
      const { browser } = await signIn(appClient);
      const page = await browser.agent.get('/oauth2/logout').query({ client_id: appClient, post_logout_redirect_uri: SIGNED_OUT, state: 'confirm-state' });
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/Sign out of Gatehouse\?/);
      expect(page.text).toMatch(/Logout App/);
      // Its form may end at the client's post-logout URI (the CSP's form-action follows the redirect).
      expect(page.headers['content-security-policy']).toMatch(/form-action 'self' https:\/\/app\.example\.com/);
      expect(await signedIn(browser)).toBe(true);
      const fields = hiddenFields(page.text);
      expect(fields).toMatchObject({ client_id: appClient, post_logout_redirect_uri: SIGNED_OUT, state: 'confirm-state' });

      // Without the CSRF token, or with a wrong one: refused, still signed in.
      const { csrf_token: csrf, ...withoutCsrf } = fields;
      expect((await browser.agent.post('/oauth2/logout').type('form').send({ ...withoutCsrf, confirm: 'yes' })).status).toBe(403);
      expect((await browser.agent.post('/oauth2/logout').type('form').send({ ...fields, csrf_token: `${csrf!.slice(0, -2)}xx`, confirm: 'yes' })).status).toBe(403);
      // A cross-site form post is refused whatever it carries.
      expect((await browser.agent.post('/oauth2/logout').set('Origin', 'https://evil.example.com').type('form').send({ ...fields, confirm: 'yes' })).status).toBe(403);
      expect(await signedIn(browser)).toBe(true);

      const stay = await browser.agent.post('/oauth2/logout').type('form').send({ ...fields, confirm: 'no' });
      expect(stay.status).toBe(200);
      expect(await signedIn(browser)).toBe(true);

      const confirmed = await browser.agent.post('/oauth2/logout').type('form').send({ ...fields, confirm: 'yes' });
      expect(confirmed.status).toBe(303);
      expect(confirmed.headers.location).toBe(`${SIGNED_OUT}?state=confirm-state`);
      expect(await signedIn(browser)).toBe(false);
    });

    it("asks first when the hint is another user's, and answers a browser without a session with the signed-out page", async () => {
      const alice = await signIn(appClient);
      const bob: Person = { email: 'bob@logout.test', password: 'bob logout password' };
      await createUser(app, bob, 'default', 'member');
      const bobs = await signIn(appClient, { person: bob });
      const page = await alice.browser.agent.get('/oauth2/logout').query({ id_token_hint: bobs.tokens.id_token });
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/Sign out of Gatehouse\?/);
      expect(await signedIn(alice.browser)).toBe(true);

      const stranger = new Browser(app);
      const response = await stranger.agent.get('/oauth2/logout');
      expect(response.status).toBe(200);
      expect(response.text).toMatch(/You are signed out/);
      const redirected = await stranger.agent.get('/oauth2/logout').query({ client_id: appClient, post_logout_redirect_uri: SIGNED_OUT });
      expect(redirected.headers.location).toBe(SIGNED_OUT);
    });
  });

  it('gives clients that existed before its migration RS256 ID tokens and no post-logout redirect URIs', async () => {
    const url = await emptyDatabaseUrl();
    const older = new DataSource({ ...dataSourceOptions(url), migrations: migrations.slice(0, migrations.indexOf(ClientLogoutAndIdTokenAlg1764530000000)) });
    await older.initialize();
    try {
      await older.runMigrations();
      const at = '2026-01-01 00:00:00.000';
      await older.query('INSERT INTO oauth_client (id, organization_id, secret_hash, scopes, permissions, is_root, disabled, redirect_uris, is_public, grant_types, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        'old-app', '00000000-0000-4000-8000-000000000000', '', '["openid"]', '[]', 0, 0, JSON.stringify([REDIRECT]), 1, '["authorization_code"]', at, at,
      ]);
    } finally {
      await older.destroy();
    }
    const upgraded = await startApp({ databaseUrl: url });
    try {
      const shown = (await upgraded.http().get('/api/v1/oauth/client/old-app').set('Authorization', `Bearer ${await tokenFor(upgraded, ROOT)}`).expect(200)).body as Record<string, unknown>;
      expect(shown).toMatchObject({ id_token_signed_response_alg: 'RS256', post_logout_redirect_uris: [] });
    } finally {
      await upgraded.close();
    }
  });
});
