import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { type TestApp, ADMIN_EMAIL, startApp } from './support/test-app.js';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { createClient, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization } from './support/tenants.js';

const REDIRECT = 'https://app.example.com/callback';

describe('authorization code flow with PKCE (public client)', () => {
  let gatehouse: TestApp;
  let app: string;
  let confidential: { client_id: string; client_secret: string };

  beforeAll(async () => {
    gatehouse = await startApp();
    app = (
      await createClient(gatehouse, {
        name: 'Example <App>',
        public: true,
        redirect_uris: [REDIRECT, 'http://localhost:3000/cb'],
        logo_uri: 'https://app.example.com/logo.png',
        tos_uri: 'https://app.example.com/terms',
        policy_uri: 'https://app.example.com/privacy',
        scopes: ['openid', 'email', 'profile', 'client:read'],
      })
    ).client_id;
    confidential = await createClient(gatehouse, { name: 'Server app', redirect_uris: [REDIRECT], scopes: ['openid', 'email'] });
  });
  afterAll(() => gatehouse.close());

  const exchange = (params: Record<string, string>) => gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: app, redirect_uri: REDIRECT, ...params });
  const request = (challenge: string, extra: Record<string, string> = {}) => ({
    response_type: 'code',
    client_id: app,
    redirect_uri: REDIRECT,
    scope: 'openid email profile',
    state: 'xyz-state',
    nonce: 'n-0S6_WzA2Mj',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });

  it('signs in, shows the consent page, and sends the user back with a code, state and iss', async () => {
    const browser = new Browser(gatehouse);
    const { challenge } = pkce();
    const first = await browser.authorize(request(challenge));
    expect(first.status).toBe(302);
    expect(location(first).pathname).toBe('/oauth2/sign-in');

    const form = await browser.agent.get(first.headers.location!);
    expect(form.status).toBe(200);
    expect(form.headers['content-type']).toMatch(/^text\/html/);
    expect(form.headers['content-security-policy']).toContain("default-src 'none'");
    expect(form.headers['referrer-policy']).toBe('same-origin');
    expect(form.headers['content-security-policy']).toContain('https://app.example.com');
    expect(form.text).toContain('<label for="password">');
    const csrfCookie = [form.headers['set-cookie']].flat().join('\n');
    expect(csrfCookie).toMatch(/gatehouse_csrf=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict/);

    const signedIn = await browser.agent.post('/oauth2/sign-in').type('form').send({ ...hiddenFields(form.text), email: ADMIN_EMAIL.toUpperCase(), password: 'test admin passphrase' });
    expect(signedIn.status).toBe(303);
    expect([signedIn.headers['set-cookie']].flat().join('\n')).toMatch(/gatehouse_session=[\w-]{43}; Max-Age=28800; Path=\/; HttpOnly; SameSite=Lax/);
    const consent = await browser.agent.get(signedIn.headers.location!);
    expect(consent.status).toBe(200);
    // Escaped client name, logo, terms, privacy policy, and each scope in words.
    expect(consent.text).toContain('Example &lt;App&gt; wants to access your account');
    expect(consent.text).not.toContain('<App>');
    expect(consent.text).toContain('<img src="https://app.example.com/logo.png" alt="">');
    expect(consent.text).toContain('href="https://app.example.com/terms"');
    expect(consent.text).toContain('href="https://app.example.com/privacy"');
    expect(consent.text).toContain('See your email address');
    expect(consent.text).toContain(ADMIN_EMAIL);

    const allowed = await browser.agent.post('/oauth2/authorize').type('form').send({ ...hiddenFields(consent.text), decision: 'allow' });
    expect(allowed.status).toBe(303);
    const back = location(allowed);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('xyz-state');
    expect(back.searchParams.get('iss')).toBe('http://localhost:8080');
    expect(back.searchParams.get('code')).toMatch(/^[\w-]{43}$/);

    // Consent is remembered: the next request for the same scopes goes straight back.
    const again = await browser.authorize(request(pkce().challenge, { scope: 'openid email' }));
    expect(again.status).toBe(302);
    expect(location(again).searchParams.get('code')).toBeTruthy();
    // A new scope asks again.
    expect((await browser.authorize(request(pkce().challenge, { scope: 'openid email client:read' }))).status).toBe(200);
  });

  it('exchanges the code with its verifier for access, refresh and ID tokens; userinfo answers by scope', async () => {
    const browser = new Browser(gatehouse);
    const { verifier, challenge } = pkce();
    const code = location(await browser.authorizeAndDecide(request(challenge, { scope: 'openid email' }))).searchParams.get('code')!;
    const response = await exchange({ code, code_verifier: verifier });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.body as Record<string, string>;
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'openid email', expires_in: 3600, refresh_expires_in: 2592000 });
    expect(body.refresh_token).toMatch(/^gat_rt_[\w-]{43}$/);

    const access = decodeJwt(body.access_token).payload;
    // Seconds since the epoch (authlib and oauthlib read `expires_at` so), the access token's `exp`.
    expect(body.expires_at).toBe(access.exp);
    const idToken = decodeJwt(body.id_token);
    expect(access).toMatchObject({ client_id: app, sub_type: 'user', scope: 'openid email' });
    // RS256 by default (OpenID Connect Discovery requires it); the access token keeps OAUTH_SIGNING_ALG.
    expect(idToken.header).toMatchObject({ typ: 'JWT', alg: 'RS256' });
    expect(idToken.payload).toMatchObject({ iss: 'http://localhost:8080', sub: access.sub, aud: app, azp: app, nonce: 'n-0S6_WzA2Mj', email: ADMIN_EMAIL, email_verified: true });
    expect(idToken.payload.name).toBeUndefined();
    expect(typeof idToken.payload.auth_time).toBe('number');
    expect(idToken.payload.at_hash).toBe(createHash('sha256').update(body.access_token).digest().subarray(0, 16).toString('base64url'));

    const userinfo = await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${body.access_token}`);
    expect(userinfo.status).toBe(200);
    expect(userinfo.body).toEqual({ sub: access.sub, email: ADMIN_EMAIL, email_verified: true });
    const posted = await gatehouse.http().post('/oauth2/userinfo').set('Authorization', `Bearer ${body.access_token}`);
    expect(posted.status).toBe(200);

    // A client's own token is not a user's: userinfo refuses it.
    const clientToken = await tokenFor(gatehouse, ROOT);
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${clientToken}`)).status).toBe(401);
  });

  it('refuses a reused code and revokes the tokens issued from it', async () => {
    const { verifier, challenge } = pkce();
    const code = location(await new Browser(gatehouse).authorizeAndDecide(request(challenge))).searchParams.get('code')!;
    const first = await exchange({ code, code_verifier: verifier });
    expect(first.status).toBe(200);
    const second = await exchange({ code, code_verifier: verifier });
    expect(second.status).toBe(400);
    expect(second.body).toMatchObject({ error: 'invalid_grant' });
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${first.body.access_token}`)).status).toBe(401);
    const refreshed = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: app, refresh_token: first.body.refresh_token });
    expect(refreshed.body).toMatchObject({ error: 'invalid_grant' });
  });

  it.each([
    ['no verifier', {}, 'code_verifier is missing'],
    ['a wrong verifier', { code_verifier: pkce().verifier }, 'does not match'],
    ['a malformed verifier', { code_verifier: 'short' }, '43 to 128'],
    ['another redirect_uri', { redirect_uri: 'http://localhost:3000/cb' }, 'redirect_uri does not match'],
  ])('refuses the exchange with %s (invalid_grant)', async (_what, params: Record<string, string>, message) => {
    const { verifier, challenge } = pkce();
    const code = location(await new Browser(gatehouse).authorizeAndDecide(request(challenge))).searchParams.get('code')!;
    const response = await exchange({ code, ...params });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
    expect(response.body.error_description).toContain(message);
    // A failed check consumes nothing: the rightful request still gets its tokens.
    const rightful = await exchange({ code, code_verifier: verifier });
    expect(rightful.status).toBe(200);
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${rightful.body.access_token}`)).status).toBe(200);
  });

  it("lets no other client burn a code, unused or used, nor revoke what it issued", async () => {
    const thief = (await createClient(gatehouse, { public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'email', 'profile'] })).client_id;
    const { verifier, challenge } = pkce();
    const code = location(await new Browser(gatehouse).authorizeAndDecide(request(challenge))).searchParams.get('code')!;
    // Even with the right verifier and redirect URI, another client gets nothing, and the code stays usable.
    const stolen = await exchange({ client_id: thief, code, code_verifier: verifier });
    expect(stolen.status).toBe(400);
    expect(stolen.body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code was issued to another client' });
    const rightful = await exchange({ code, code_verifier: verifier });
    expect(rightful.status).toBe(200);
    // Presented again by another client, a used code is refused the same way and revokes nothing.
    const replayedByThief = await exchange({ client_id: thief, code, code_verifier: verifier });
    expect(replayedByThief.body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code was issued to another client' });
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${rightful.body.access_token}`)).status).toBe(200);
    const refreshed = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: app, refresh_token: rightful.body.refresh_token });
    expect(refreshed.status).toBe(200);
    // A copy of the used code through its own client (a public client: no secret), without its
    // verifier or with another redirect URI, is refused and revokes nothing: only the holder of the
    // verifier can prove the replay is the code's own.
    const copies: Record<string, string>[] = [{ code }, { code, code_verifier: pkce().verifier }, { code, code_verifier: verifier, redirect_uri: 'https://attacker.example/cb' }];
    for (const copy of copies) {
      const refused = await exchange(copy);
      expect([refused.status, refused.body.error, refused.body.error_description]).toEqual([400, 'invalid_grant', expect.not.stringContaining('revoked')]);
    }
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${refreshed.body.access_token}`)).status).toBe(200);
    // Presented again through its own client, with its verifier, it revokes every token of the family, the rotated ones included.
    const replayed = await exchange({ code, code_verifier: verifier });
    expect(replayed.body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code has been used already; the tokens issued from it are revoked' });
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${refreshed.body.access_token}`)).status).toBe(401);
    expect((await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: app, refresh_token: refreshed.body.refresh_token })).body.error).toBe('invalid_grant');
  });

  it('revokes nothing when a code that failed its checks is presented again', async () => {
    const { verifier, challenge } = pkce();
    const code = location(await new Browser(gatehouse).authorizeAndDecide(request(challenge))).searchParams.get('code')!;
    expect((await exchange({ code, code_verifier: pkce().verifier })).status).toBe(400);
    expect((await exchange({ code, code_verifier: pkce().verifier })).body.error_description).toContain('does not match');
    expect((await exchange({ code, code_verifier: verifier })).status).toBe(200);
  });

  it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
    const { verifier, challenge } = pkce();
    const code = location(await new Browser(gatehouse).authorizeAndDecide(request(challenge))).searchParams.get('code')!;
    const issued = (await exchange({ code, code_verifier: verifier })).body as Record<string, string>;
    const refresh = (token: string, extra: Record<string, string> = {}) => gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: app, refresh_token: token, ...extra });

    const narrowed = await refresh(issued.refresh_token, { scope: 'openid' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.scope).toBe('openid');
    expect(narrowed.body.refresh_token).not.toBe(issued.refresh_token);
    expect(decodeJwt(narrowed.body.id_token as string).payload).toMatchObject({ nonce: 'n-0S6_WzA2Mj', aud: app });
    expect((await refresh(narrowed.body.refresh_token as string, { scope: 'openid email' })).body).toMatchObject({ error: 'invalid_scope' });

    const next = await refresh(narrowed.body.refresh_token as string);
    expect(next.status).toBe(200);
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${next.body.access_token}`)).status).toBe(200);

    const replay = await refresh(issued.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_grant' });
    expect(replay.body.error_description).toContain('family');
    expect((await refresh(next.body.refresh_token as string)).body.error).toBe('invalid_grant');
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${next.body.access_token}`)).status).toBe(401);

    expect((await refresh('gat_rt_unknown')).body.error).toBe('invalid_grant');
    expect((await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: app })).body.error).toBe('invalid_request');
  });

  it('revokes a refresh token and its access token through the revocation endpoint (RFC 7009)', async () => {
    const { verifier, challenge } = pkce();
    const code = location(await new Browser(gatehouse).authorizeAndDecide(request(challenge))).searchParams.get('code')!;
    const issued = (await exchange({ code, code_verifier: verifier })).body as Record<string, string>;
    expect((await gatehouse.http().post('/api/v1/oauth/revoke').type('form').send({ client_id: app, token: issued.refresh_token })).status).toBe(200);
    expect((await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: app, refresh_token: issued.refresh_token })).body.error).toBe('invalid_grant');
    expect((await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${issued.access_token}`)).status).toBe(401);

    // Revoked already: 200, and nothing is written (no second audit event, change event or revocation).
    const counts = async () => Promise.all(['audit_event', 'change_event', 'revoked_token', 'revoked_family'].map(async (table) => Number(((await gatehouse.app.get(DataSource).query(`SELECT COUNT(*) AS n FROM ${table}`)) as { n: number | string }[])[0]!.n)));
    const before = await counts();
    expect((await gatehouse.http().post('/api/v1/oauth/revoke').type('form').send({ client_id: app, token: issued.refresh_token })).status).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it('lets a confidential client redeem a code with its secret, PKCE optional', async () => {
    const code = location(await new Browser(gatehouse).authorizeAndDecide({ response_type: 'code', client_id: confidential.client_id, scope: 'openid', state: 's' })).searchParams.get('code')!;
    const withoutSecret = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: confidential.client_id, code });
    expect(withoutSecret.status).toBe(401);
    expect(withoutSecret.body.error).toBe('invalid_client');
    const code2 = location(await new Browser(gatehouse).authorizeAndDecide({ response_type: 'code', client_id: confidential.client_id, scope: 'openid', state: 's' })).searchParams.get('code')!;
    const response = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', ...confidential, code: code2 });
    expect(response.status).toBe(200);
    // Another client cannot redeem it.
    const code3 = location(await new Browser(gatehouse).authorizeAndDecide({ response_type: 'code', client_id: confidential.client_id, scope: 'openid', state: 's' })).searchParams.get('code')!;
    expect((await exchange({ code: code3 })).body.error).toBe('invalid_grant');
    // ...and its attempt leaves the code to its client.
    expect((await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', ...confidential, code: code3 })).status).toBe(200);
  });

  it('keeps public clients to the user grants', async () => {
    const response = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: app });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('unauthorized_client');
  });

  it('shows an unknown client or an unregistered redirect_uri on a page, never redirecting', async () => {
    const browser = new Browser(gatehouse);
    const unknown = await browser.authorize({ response_type: 'code', client_id: 'nobody', redirect_uri: REDIRECT });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.location).toBeUndefined();
    expect(unknown.text).toContain('Unknown application');
    const evil = await browser.authorize({ response_type: 'code', client_id: app, redirect_uri: 'https://evil.example.com/callback', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    expect(evil.status).toBe(400);
    expect(evil.headers.location).toBeUndefined();
    expect(evil.text).toContain('For your safety');
    expect((await browser.authorize({ response_type: 'code', client_id: app })).text).toContain('exactly one');
    expect((await browser.authorize({ response_type: 'code' })).status).toBe(400);
  });

  it.each([
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['no response_type', { response_type: '' }, 'invalid_request'],
    ['PKCE plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a challenge without a method', { code_challenge_method: '' }, 'invalid_request'],
    ['no PKCE from a public client', { code_challenge: '', code_challenge_method: '' }, 'invalid_request'],
    ['a scope the client does not hold', { scope: 'openid client:delete' }, 'invalid_scope'],
    ['prompt=none without a session', { prompt: 'none' }, 'login_required'],
    ['an unknown prompt', { prompt: 'select_account' }, 'invalid_request'],
  ])('sends %s back to the client as an error with state', async (_what, params: Record<string, string>, error) => {
    const response = await new Browser(gatehouse).authorize(request(pkce().challenge, params));
    expect(response.status).toBe(302);
    const back = location(response);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('error')).toBe(error);
    expect(back.searchParams.get('error_description')).toBeTruthy();
    expect(back.searchParams.get('state')).toBe('xyz-state');
  });

  it('asks for the password again with prompt=login, once', async () => {
    const browser = new Browser(gatehouse);
    await browser.authorizeAndDecide(request(pkce().challenge, { scope: 'openid' }));
    const again = await browser.authorize(request(pkce().challenge, { scope: 'openid', prompt: 'login' }));
    expect(location(again).pathname).toBe('/oauth2/sign-in');
    const signedIn = await browser.signIn(location(again).searchParams.get('return_to')!);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).not.toContain('prompt=login');
    const back = await browser.agent.get(signedIn.headers.location!);
    expect(back.status).toBe(302);
    expect(location(back).searchParams.get('code')).toBeTruthy();
  });

  it('sends a denial back as access_denied and remembers nothing', async () => {
    const browser = new Browser(gatehouse);
    const denied = await browser.authorizeAndDecide(request(pkce().challenge, { scope: 'openid profile client:read' }), 'deny');
    expect(denied.status).toBe(303);
    expect(location(denied).searchParams.get('error')).toBe('access_denied');
    const silent = await browser.authorize(request(pkce().challenge, { scope: 'openid profile client:read', prompt: 'none' }));
    expect(silent.headers.location).toContain('error=consent_required');
  });

  it('refuses a wrong password with the form again, and forms without the CSRF token', async () => {
    const browser = new Browser(gatehouse);
    const wrong = await browser.signIn(undefined, ADMIN_EMAIL, 'not the password');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('The email or password is incorrect.');
    expect(wrong.text).toContain(`value="${ADMIN_EMAIL}"`);
    expect((await browser.signIn(undefined, 'nobody@example.com', 'whatever password')).status).toBe(401);
    const forged = await gatehouse.http().post('/oauth2/sign-in').type('form').send({ email: ADMIN_EMAIL, password: 'test admin passphrase' });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('The form expired');
    const crossSite = await browser.agent.post('/oauth2/sign-in').set('Origin', 'https://evil.example.com').type('form').send({ email: ADMIN_EMAIL, password: 'x' });
    expect(crossSite.status).toBe(403);
    expect((await browser.agent.get('/oauth2/sign-in').query({ return_to: 'https://evil.example.com/' })).status).toBe(400);
    expect((await browser.agent.get('/oauth2/sign-in').query({ return_to: '//evil.example.com/oauth2/authorize?x' })).status).toBe(400);
  });

  it('works on the realm path for a client of that organization, with the realm issuer', async () => {
    await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true });
    const acmeApp = await createClientIn(gatehouse, 'acme', { public: true, redirect_uris: [REDIRECT], scopes: ['openid'] });
    const { verifier, challenge } = pkce();
    const params = { response_type: 'code', client_id: acmeApp.client_id, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' };
    // The administrator is a member of the built-in organization only.
    const refused = await new Browser(gatehouse).authorizeAndDecide(params, 'allow', '/auth/realms/acme/protocol/openid-connect/auth');
    expect(location(refused).searchParams.get('error')).toBe('access_denied');
    expect(location(refused).searchParams.get('iss')).toBe('http://localhost:8080/auth/realms/acme');

    const admin = await tokenFor(gatehouse, ROOT);
    const created = await gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${admin}`).send({ email: 'wile@acme.test', password: 'acme member password', organization: 'acme', name: 'Wile E.' });
    expect(created.status).toBe(201);
    const browser = new Browser(gatehouse);
    const first = await browser.authorize(params, '/auth/realms/acme/protocol/openid-connect/auth');
    const signedIn = await browser.signIn(location(first).searchParams.get('return_to')!, 'wile@acme.test', 'acme member password');
    const consent = await browser.agent.get(signedIn.headers.location!);
    const allowed = await browser.agent.post('/auth/realms/acme/protocol/openid-connect/auth').type('form').send({ ...hiddenFields(consent.text), decision: 'allow' });
    const code = location(allowed).searchParams.get('code')!;
    const response = await gatehouse.http().post('/auth/realms/acme/protocol/openid-connect/token').type('form').send({ grant_type: 'authorization_code', client_id: acmeApp.client_id, code, code_verifier: verifier });
    expect(response.status).toBe(200);
    expect(decodeJwt(response.body.id_token as string).payload).toMatchObject({ iss: 'http://localhost:8080/auth/realms/acme', sub: created.body.id });
    const userinfo = await gatehouse.http().get('/auth/realms/acme/protocol/openid-connect/userinfo').set('Authorization', `Bearer ${response.body.access_token}`);
    expect(userinfo.body).toEqual({ sub: created.body.id });
  });

  it('publishes the authorization endpoint, PKCE and OpenID Connect metadata in discovery', async () => {
    const metadata = (await gatehouse.http().get('/.well-known/openid-configuration')).body;
    expect(metadata).toMatchObject({
      authorization_endpoint: 'http://localhost:8080/oauth2/authorize',
      userinfo_endpoint: 'http://localhost:8080/oauth2/userinfo',
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
      end_session_endpoint: 'http://localhost:8080/oauth2/logout',
    });
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(['sub', 'email', 'email_verified', 'name', 'auth_time', 'nonce']));
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    const realm = (await gatehouse.http().get('/auth/realms/acme/.well-known/openid-configuration')).body;
    expect(realm.authorization_endpoint).toBe('http://localhost:8080/auth/realms/acme/protocol/openid-connect/auth');
  });
});
