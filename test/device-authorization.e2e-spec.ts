import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { Browser, hiddenFields, location } from './support/browser.js';
import { manualClock } from './support/clock.js';
import { createClient, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createUser, type Person } from './support/principals.js';
import { freePort } from './support/server-process.js';
import { createClientIn, createOrganization } from './support/tenants.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
const REALM = 'device-realm';
const ADMIN: Person = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };
const REALM_MEMBER: Person = { email: 'cli-user@device-realm.test', password: 'device realm member password' };
const http4 = { [oauth.allowInsecureRequests]: true } as const;

/** The text field of the /device form, as the browser would send it. */
function typedCode(page: string): string {
  return /id="user_code"[^>]*value="([^"]*)"/.exec(page)?.[1] ?? '';
}

/** The one error the /device page shows for a code it cannot answer. */
function pageError(page: string): string | undefined {
  return /<p class="error" role="alert"[^>]*>([^<]*)<\/p>/.exec(page)?.[1];
}

/**
 * The device authorization grant (RFC 8628) driven by oauth4webapi 3 and openid-client 6 over real
 * HTTP, the user walking the /device page's forms in a cookie-keeping browser. Time moves by the
 * app's clock: no test sleeps through a polling interval.
 */
describe('device authorization grant (RFC 8628)', () => {
  let gatehouse: TestApp;
  let issuer: string;
  let clock: ReturnType<typeof manualClock>;
  let cli: string;
  let otherCli: string;
  let webApp: string;
  let realmCli: string;
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: issuer } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
    // A command-line tool is a public client with no redirect URI.
    cli = (await createClient(gatehouse, { name: 'Acme <CLI>', public: true, grant_types: [DEVICE_GRANT, 'refresh_token'], scopes: ['openid', 'email', 'client:read'] })).client_id;
    otherCli = (await createClient(gatehouse, { name: 'Other CLI', public: true, grant_types: [DEVICE_GRANT], scopes: ['openid'] })).client_id;
    webApp = (await createClient(gatehouse, { name: 'Web app', public: true, redirect_uris: ['https://app.example.com/callback'], scopes: ['openid'] })).client_id;
    await createOrganization(gatehouse, { name: REALM, display_name: 'Device Realm Inc.', oauth_enabled: true });
    realmCli = (await createClientIn(gatehouse, REALM, { name: 'Realm CLI', public: true, grant_types: [DEVICE_GRANT, 'refresh_token'], scopes: ['openid', 'email'] })).client_id;
    await createUser(gatehouse, REALM_MEMBER, REALM, 'member');
    as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oidc', ...http4 }));
    clock = manualClock(gatehouse);
  }, 180_000);
  afterAll(() => gatehouse.close());

  /** How far the app's clock is ahead of the real one, in seconds: the libraries check the ID token's iat and exp against it. */
  const skew = () => Math.round((clock.now() - Date.now()) / 1000);
  const client = (clientId: string): oauth.Client => ({ client_id: clientId, [oauth.clockSkew]: skew() });
  const startDevice = async (clientId: string, scope = 'openid email') => {
    const response = await oauth.deviceAuthorizationRequest(as, client(clientId), oauth.None(), new URLSearchParams({ scope }), http4);
    return oauth.processDeviceAuthorizationResponse(as, client(clientId), response);
  };
  const poll = (clientId: string, deviceCode: string) => oauth.deviceCodeGrantRequest(as, client(clientId), oauth.None(), deviceCode, http4).then((response) => oauth.processDeviceCodeResponse(as, client(clientId), response));
  /** The OAuth error a poll is answered with (oauth4webapi's ResponseBodyError), or 'tokens'. */
  const pollError = (clientId: string, deviceCode: string) =>
    poll(clientId, deviceCode).then(
      () => 'tokens',
      (error: unknown) => (error instanceof oauth.ResponseBodyError ? error.error : Promise.reject(error)),
    );
  const auditActions = async () => ((await gatehouse.app.get(DataSource).query("SELECT action, details FROM audit_event WHERE action LIKE 'device_authorization.%' OR action = 'consent.granted'")) as { action: string; details: string }[]);

  /** A browser signed in as `person`, arrived at the page the link opens: the code form, prefilled. */
  async function openLink(verificationUriComplete: string, person: Person = ADMIN): Promise<{ browser: Browser; form: string }> {
    const browser = new Browser(gatehouse);
    const link = new URL(verificationUriComplete);
    const first = await browser.agent.get(`${link.pathname}${link.search}`);
    expect(first.status).toBe(302);
    expect(location(first).pathname).toBe('/oauth2/sign-in');
    const signedIn = await browser.signIn(location(first).searchParams.get('return_to')!, person.email, person.password);
    expect(signedIn.status).toBe(303);
    const form = await browser.agent.get(signedIn.headers.location!);
    expect(form.status).toBe(200);
    return { browser, form: form.text };
  }

  /** Types the code into the form; answers the consent page (or the form again, when the code is wrong). */
  const submitCode = (browser: Browser, form: string, userCode: string) => browser.agent.post('/device').type('form').send({ ...hiddenFields(form), user_code: userCode });
  const decide = (browser: Browser, consent: string, decision: 'allow' | 'deny') => browser.agent.post('/device').type('form').send({ ...hiddenFields(consent), decision });

  it('is published in both discovery documents, with the grant type', async () => {
    for (const [path, base] of [
      ['/.well-known/openid-configuration', `${issuer}/api/v1/oauth/device_authorization`],
      ['/.well-known/oauth-authorization-server', `${issuer}/api/v1/oauth/device_authorization`],
      [`/auth/realms/${REALM}/.well-known/openid-configuration`, `${issuer}/auth/realms/${REALM}/protocol/openid-connect/auth/device`],
    ]) {
      const metadata = (await gatehouse.http().get(path!)).body as Record<string, unknown>;
      expect(metadata.device_authorization_endpoint).toBe(base);
      expect(metadata.grant_types_supported).toContain(DEVICE_GRANT);
    }
  });

  it('oauth4webapi: pending, slow_down with a longer interval, the page walked with the prefilled code, then tokens exactly once', async () => {
    const device = await startDevice(cli);
    expect(device.user_code).toMatch(USER_CODE);
    expect(device).toMatchObject({ verification_uri: `${issuer}/device`, verification_uri_complete: `${issuer}/device?user_code=${device.user_code}`, expires_in: 600, interval: 5 });
    expect(device.device_code).toMatch(/^[\w-]{43}$/);

    expect(await pollError(cli, device.device_code)).toBe('authorization_pending');
    // Again at once: too fast, and the interval grows by 5 seconds (RFC 8628 §3.5).
    expect(await pollError(cli, device.device_code)).toBe('slow_down');
    clock.advance(9_000);
    expect(await pollError(cli, device.device_code)).toBe('slow_down');
    clock.advance(15_000);
    expect(await pollError(cli, device.device_code)).toBe('authorization_pending');

    const { browser, form } = await openLink(device.verification_uri_complete!);
    // The link fills the code in; the user still confirms it, and nothing is approved yet.
    expect(typedCode(form)).toBe(device.user_code);
    expect(form).toContain('<form method="post" action="/device">');
    clock.advance(20_000);
    expect(await pollError(cli, device.device_code)).toBe('authorization_pending');

    const consent = await submitCode(browser, form, typedCode(form));
    expect(consent.status).toBe(200);
    expect(consent.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    expect(consent.text).toContain('Acme &lt;CLI&gt; wants to access your account');
    expect(consent.text).toContain('is an application of <strong>Default organization</strong>');
    expect(consent.text).toContain(device.user_code);
    expect(consent.text).toContain('See your email address');
    expect(consent.text).not.toMatch(/<script/);
    clock.advance(20_000);
    expect(await pollError(cli, device.device_code)).toBe('authorization_pending');

    const allowed = await decide(browser, consent.text, 'allow');
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('Device connected');

    clock.advance(20_000);
    const tokens = await poll(cli, device.device_code);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'openid email' });
    expect(tokens.refresh_token).toMatch(/^gat_rt_/);
    expect(decodeJwt(tokens.id_token!).payload).toMatchObject({ iss: issuer, aud: cli, email: ADMIN_EMAIL });
    expect(decodeJwt(tokens.access_token).payload).toMatchObject({ client_id: cli, sub_type: 'user', scope: 'openid email' });
    const userinfo = await gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(userinfo.body).toMatchObject({ email: ADMIN_EMAIL });

    // Exactly once: the same device code again is refused, even after the interval.
    clock.advance(20_000);
    expect(await pollError(cli, device.device_code)).toBe('invalid_grant');
    // The refresh token works like the code flow's.
    const refreshed = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: cli, refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);

    // The consent is remembered like the code flow's, and the approval and issuance are audited without the codes.
    const events = await auditActions();
    expect(events.map((event) => event.action)).toEqual(expect.arrayContaining(['consent.granted', 'device_authorization.approved', 'device_authorization.tokens_issued']));
    const raw = JSON.stringify(events);
    expect(raw).not.toContain(device.device_code);
    expect(raw).not.toContain(device.user_code.replace('-', ''));
    expect(raw).not.toContain(device.user_code);
  });

  it('openid-client 6: initiateDeviceAuthorization at a realm, the code typed in lower case without its dash, polled to tokens without waiting', async () => {
    const config = await oidc.discovery(new URL(`${issuer}/auth/realms/${REALM}`), realmCli, { [oidc.clockSkew]: skew() }, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid email' });
    expect(device.user_code).toMatch(USER_CODE);
    // One page for every issuer: the user code says which app and realm it is for.
    expect(device.verification_uri).toBe(`${issuer}/device`);

    const { browser, form } = await openLink(device.verification_uri, REALM_MEMBER);
    expect(typedCode(form)).toBe('');
    const consent = await submitCode(browser, form, ` ${device.user_code.replace('-', '').toLowerCase()} `);
    expect(consent.status).toBe(200);
    expect(consent.text).toContain('Realm CLI is an application of <strong>Device Realm Inc.</strong>');
    expect((await decide(browser, consent.text, 'allow')).status).toBe(200);

    // Approved already: openid-client's poller gets the tokens at its first request (interval 0: no waiting in the test).
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, { ...device, interval: 0 });
    expect(tokens.claims()).toMatchObject({ iss: `${issuer}/auth/realms/${REALM}`, aud: realmCli, email: REALM_MEMBER.email });
    expect(tokens.refresh_token).toMatch(/^gat_rt_/);
  });

  it('answers access_denied once the user denies, and audits the denial', async () => {
    const device = await startDevice(cli);
    const { browser, form } = await openLink(device.verification_uri_complete!);
    const consent = await submitCode(browser, form, typedCode(form));
    const denied = await decide(browser, consent.text, 'deny');
    expect(denied.status).toBe(200);
    expect(denied.text).toContain('Request denied');
    expect(await pollError(cli, device.device_code)).toBe('access_denied');
    expect((await auditActions()).map((event) => event.action)).toContain('device_authorization.denied');
    // Answered: the code cannot be answered again, allowed or not.
    expect((await decide(browser, consent.text, 'allow')).status).toBe(400);
    clock.advance(10_000);
    expect(await pollError(cli, device.device_code)).toBe('access_denied');
  });

  it('answers expired_token after expires_in, and the page no longer takes the code', async () => {
    const device = await startDevice(cli);
    const { browser, form } = await openLink(device.verification_uri_complete!);
    clock.advance(600_000);
    expect(await pollError(cli, device.device_code)).toBe('expired_token');
    const late = await submitCode(browser, form, device.user_code);
    expect(late.status).toBe(400);
    expect(pageError(late.text)).toContain('not valid, or it has expired');
  });

  it('answers every code it cannot take the same way: unknown, malformed, answered or expired', async () => {
    const answered = await startDevice(cli);
    const { browser, form } = await openLink(answered.verification_uri_complete!);
    expect((await decide(browser, (await submitCode(browser, form, answered.user_code)).text, 'allow')).status).toBe(200);
    const answers = [];
    for (const typed of ['BBBB-BBBB', 'not a code', '', answered.user_code]) {
      const response = await submitCode(browser, form, typed);
      answers.push({ status: response.status, error: pageError(response.text) });
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]!.status).toBe(400);
    // A decision posted for a code nobody holds is answered the same.
    const forged = await browser.agent.post('/device').type('form').send({ ...hiddenFields(form), user_code: 'BBBB-BBBB', decision: 'allow' });
    expect({ status: forged.status, error: pageError(forged.text) }).toEqual(answers[0]);
  });

  it("refuses another client's device code as unknown, without touching the rightful client's polling", async () => {
    const device = await startDevice(cli);
    expect(await pollError(otherCli, device.device_code)).toBe('invalid_grant');
    expect(await pollError(otherCli, 'no-such-device-code')).toBe('invalid_grant');
    // The other client's attempt counted as no poll of the rightful one: pending, not slow_down.
    expect(await pollError(cli, device.device_code)).toBe('authorization_pending');
    // Approved, it is still the rightful client's alone.
    const { browser, form } = await openLink(device.verification_uri_complete!);
    await decide(browser, (await submitCode(browser, form, device.user_code)).text, 'allow');
    clock.advance(10_000);
    expect(await pollError(otherCli, device.device_code)).toBe('invalid_grant');
    expect(await pollError(cli, device.device_code)).toBe('tokens');
  });

  it('refuses a client whose grant types lack the device grant (unauthorized_client), at both endpoints', async () => {
    const started = await gatehouse.http().post('/api/v1/oauth/device_authorization').type('form').send({ client_id: webApp, scope: 'openid' });
    expect(started.status).toBe(400);
    expect(started.body).toMatchObject({ error: 'unauthorized_client' });
    expect(started.headers['cache-control']).toBe('no-store');
    const token = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: DEVICE_GRANT, client_id: webApp, device_code: 'anything' });
    expect(token.status).toBe(400);
    expect(token.body).toMatchObject({ error: 'unauthorized_client' });
  });

  it('refuses scopes the client does not hold (invalid_scope), an unknown client (invalid_client), and a client of another realm', async () => {
    const scope = await gatehouse.http().post('/api/v1/oauth/device_authorization').type('form').send({ client_id: cli, scope: 'openid client:create' });
    expect(scope.body).toMatchObject({ error: 'invalid_scope' });
    const unknown = await gatehouse.http().post('/api/v1/oauth/device_authorization').type('form').send({ client_id: 'nobody' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ error: 'invalid_client' });
    const otherRealm = await gatehouse.http().post(`/auth/realms/${REALM}/protocol/openid-connect/auth/device`).type('form').send({ client_id: cli });
    expect(otherRealm.status).toBe(401);
    const missing = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: DEVICE_GRANT, client_id: cli });
    expect(missing.body).toMatchObject({ error: 'invalid_request' });
  });

  it('lets only a member of the app\'s organization approve, and leaves the request for the right person', async () => {
    const device = await startDevice(realmCli, 'openid');
    // The administrator is no member of the realm's organization.
    const { browser, form } = await openLink(device.verification_uri_complete!, ADMIN);
    const refused = await submitCode(browser, form, device.user_code);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('not a member of Device Realm Inc.');
    expect(await pollError(realmCli, device.device_code)).toBe('authorization_pending');
  });

  it('refuses a form without its CSRF token, and sends a visitor without a session to sign in first', async () => {
    const device = await startDevice(cli);
    const { browser } = await openLink(device.verification_uri_complete!);
    const forged = await browser.agent.post('/device').type('form').send({ user_code: device.user_code, decision: 'allow' });
    expect(forged.status).toBe(403);
    expect(await pollError(cli, device.device_code)).toBe('authorization_pending');
    // A link with anything but a well-formed code does not carry it on through the sign-in.
    const odd = await new Browser(gatehouse).agent.get('/device').query({ user_code: '<b>x</b>' });
    expect(odd.status).toBe(302);
    expect(location(odd).searchParams.get('return_to')).toBe('/device');
  });

  it('ends an approved request not yet redeemed when the user takes the consent back on the account page', async () => {
    const device = await startDevice(cli);
    const { browser, form } = await openLink(device.verification_uri_complete!);
    expect((await decide(browser, (await submitCode(browser, form, device.user_code)).text, 'allow')).status).toBe(200);
    const account = await browser.agent.get('/oauth2/account');
    const revoked = await browser.agent.post('/oauth2/account/consents/revoke').type('form').send({ csrf_token: hiddenFields(account.text).csrf_token, client_id: cli, confirm: 'yes' });
    expect(revoked.status).toBe(303);
    clock.advance(10_000);
    expect(await pollError(cli, device.device_code)).toBe('invalid_grant');
  });

  it('purges expired requests from the database', async () => {
    const device = await startDevice(cli);
    const rows = () => gatehouse.app.get(DataSource).query('SELECT COUNT(*) AS count FROM device_authorization') as Promise<{ count: number | string }[]>;
    expect(Number((await rows())[0]!.count)).toBeGreaterThan(1);
    // Past expiry and the time expired requests are kept, the next request clears them.
    clock.advance(30 * 60_000);
    await startDevice(cli);
    expect(Number((await rows())[0]!.count)).toBe(1);
    expect(await pollError(cli, device.device_code)).toBe('invalid_grant');
  });

  /**
   * RFC 8707 at the device authorization request: the device names the one API it wants, the
   * /device page says which, and the grant (its tokens and refresh token) is for that API alone,
   * as a code flow grant that named a resource is.
   */
  describe('with a resource (RFC 8707)', () => {
    const TOOLS = 'https://tools.device-realm.example/mcp';
    const REPORTS = 'https://reports.device-realm.example';
    const TOOL_USER: Person = { email: 'tool-user@device-realm.test', password: 'device realm tool user password' };
    const REALM_DEVICE = `/auth/realms/${REALM}/protocol/openid-connect/auth/device`;
    const REALM_TOKEN = `/auth/realms/${REALM}/protocol/openid-connect/token`;
    let toolsCli: string;
    let reportsCli: string;

    beforeAll(async () => {
      const root = { Authorization: `Bearer ${await tokenFor(gatehouse, ROOT)}` };
      for (const [identifier, name, scope] of [[TOOLS, 'Tools <MCP> server', 'tools:run'], [REPORTS, 'Reports API', 'reports:read']] as const) {
        const api = await gatehouse.http().post('/api/v1/apis').set(root).send({ organization: REALM, identifier, name, scopes: [{ name: scope, description: `Use ${name}` }] });
        expect(api.status).toBe(201);
      }
      const role = await gatehouse.http().post('/api/v1/oauth/role').set(root).send({ organization: REALM, name: 'tool-user', scopes: ['tools:run', 'reports:read'] });
      expect(role.status).toBe(201);
      await createUser(gatehouse, TOOL_USER, REALM, 'tool-user');
      toolsCli = (await createClientIn(gatehouse, REALM, { name: 'Tools CLI', public: true, grant_types: [DEVICE_GRANT, 'refresh_token'], scopes: ['openid', 'tools:run', 'reports:read'] })).client_id;
      reportsCli = (await createClientIn(gatehouse, REALM, { name: 'Reports CLI', public: true, grant_types: [DEVICE_GRANT], scopes: ['reports:read'] })).client_id;
    });

    const realmConfig = () => oidc.discovery(new URL(`${issuer}/auth/realms/${REALM}`), toolsCli, { [oidc.clockSkew]: skew() }, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const oauthError = (error: unknown) => (error instanceof oidc.ResponseBodyError ? error.error : Promise.reject(error));

    it('openid-client 6: the page names the API, the tokens are for it, another resource is invalid_target, and a refresh keeps it', async () => {
      const config = await realmConfig();
      const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid tools:run', resource: TOOLS });

      const { browser, form } = await openLink(device.verification_uri_complete!, TOOL_USER);
      const consent = await submitCode(browser, form, typedCode(form));
      expect(consent.status).toBe(200);
      // The API by its name (escaped like every name on the page) and its identifier, besides the scope.
      expect(consent.text).toContain(`<p id="resource">This access is for <strong>Tools &lt;MCP&gt; server</strong> <span class="fine scope-code">(<code class="token">${TOOLS}</code>)</span> only.</p>`);
      expect(consent.text).toContain('Use Tools &lt;MCP&gt; server');
      expect(consent.text).not.toContain('reports:read');
      expect((await decide(browser, consent.text, 'allow')).status).toBe(200);

      // The grant is for TOOLS alone: a poll naming another API is refused, and takes nothing from the device.
      const other = await oidc.pollDeviceAuthorizationGrant(config, { ...device, interval: 0 }, { resource: REPORTS }).then(() => 'tokens', oauthError);
      expect(other).toBe('invalid_target');
      clock.advance(10_000);
      const tokens = await oidc.pollDeviceAuthorizationGrant(await realmConfig(), { ...device, interval: 0 });
      expect(tokens.scope).toBe('openid tools:run');
      // The API's token; with openid it names Gatehouse too, for userinfo (as in the code flow).
      expect(decodeJwt(tokens.access_token).payload).toMatchObject({ aud: [TOOLS, issuer], scope: 'openid tools:run', client_id: toolsCli });
      expect(tokens.claims()).toMatchObject({ iss: `${issuer}/auth/realms/${REALM}`, aud: toolsCli });

      // The refresh token keeps the API: refreshed without a resource, the token is for it again; with another, invalid_target.
      const refreshed = await oidc.refreshTokenGrant(await realmConfig(), tokens.refresh_token!);
      expect(decodeJwt(refreshed.access_token).payload).toMatchObject({ aud: [TOOLS, issuer], scope: 'openid tools:run' });
      const elsewhere = await gatehouse.http().post(REALM_TOKEN).type('form').send({ grant_type: 'refresh_token', client_id: toolsCli, refresh_token: refreshed.refresh_token, resource: REPORTS });
      expect([elsewhere.status, elsewhere.body.error]).toEqual([400, 'invalid_target']);
      const stored = (await gatehouse.app.get(DataSource).query('SELECT resource FROM refresh_token WHERE client_id = ?', [toolsCli])) as { resource: string | null }[];
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.every((row) => row.resource === TOOLS)).toBe(true);
    });

    it("asks, without scope, for the API's scopes and the identity scopes only, as the authorization endpoint does", async () => {
      const started = await gatehouse.http().post(REALM_DEVICE).type('form').send({ client_id: toolsCli, audience: REPORTS });
      expect(started.status).toBe(200);
      const { browser, form } = await openLink(started.body.verification_uri_complete as string, TOOL_USER);
      const consent = await submitCode(browser, form, typedCode(form));
      expect(consent.text).toContain('This access is for <strong>Reports API</strong>');
      expect(consent.text).toContain('reports:read');
      expect(consent.text).not.toContain('tools:run');
      expect((await decide(browser, consent.text, 'allow')).status).toBe(200);
      clock.advance(10_000);
      const tokens = await gatehouse.http().post(REALM_TOKEN).type('form').send({ grant_type: DEVICE_GRANT, client_id: toolsCli, device_code: started.body.device_code });
      expect(tokens.status).toBe(200);
      expect(decodeJwt(tokens.body.access_token as string).payload).toMatchObject({ aud: [REPORTS, issuer], scope: 'openid reports:read' });
    });

    it("names Gatehouse when the device asks for Gatehouse's own API", async () => {
      const started = await gatehouse.http().post('/api/v1/oauth/device_authorization').type('form').send({ client_id: cli, scope: 'client:read', resource: issuer });
      expect(started.status).toBe(200);
      const { browser, form } = await openLink(started.body.verification_uri_complete as string);
      const consent = await submitCode(browser, form, typedCode(form));
      expect(consent.text).toContain(`This access is for <strong>Gatehouse</strong> <span class="fine scope-code">(<code class="token">${issuer}</code>)</span> only.`);
    });

    it('refuses, before any code is made, what the authorization endpoint refuses', async () => {
      const refusals = [];
      for (const body of [
        // Unknown to the organization: another organization's, or nobody's.
        { scope: 'openid', resource: 'https://unknown.device-realm.example' },
        { resource: 'https://unknown.device-realm.example' },
        // Not an absolute URI, or with a fragment.
        { resource: '/mcp' },
        { resource: `${TOOLS}#tools` },
        // Scopes of another API than the one named; resource and audience naming different APIs.
        { scope: 'openid reports:read', resource: TOOLS },
        { resource: TOOLS, audience: REPORTS },
      ]) {
        const response = await gatehouse.http().post(REALM_DEVICE).type('form').send({ client_id: toolsCli, ...body });
        refusals.push([response.status, response.body.error, response.headers['cache-control']]);
      }
      expect(refusals).toEqual(Array(6).fill([400, 'invalid_target', 'no-store']));
      // An API the client holds no scope of, nor any identity scope: nothing to ask for (invalid_scope, as at the authorization endpoint).
      const nothing = await gatehouse.http().post(REALM_DEVICE).type('form').send({ client_id: reportsCli, resource: TOOLS });
      expect([nothing.status, nothing.body.error, nothing.body.error_description]).toEqual([400, 'invalid_scope', `The client holds no scope of ${TOOLS} to ask for`]);
      // One resource per request (RFC 6749 §3.1: no parameter twice), and none empty.
      const twice = await gatehouse.http().post(REALM_DEVICE).type('form').send(`client_id=${toolsCli}&resource=${encodeURIComponent(TOOLS)}&resource=${encodeURIComponent(REPORTS)}`);
      expect([twice.status, twice.body.error]).toEqual([400, 'invalid_request']);
      const empty = await gatehouse.http().post(REALM_DEVICE).type('form').send({ client_id: toolsCli, resource: '' });
      expect([empty.status, empty.body.error]).toEqual([400, 'invalid_request']);
      // None of them made a code: the two rows are the two requests above that named a known API.
      const rows = (await gatehouse.app.get(DataSource).query('SELECT COUNT(*) AS count FROM device_authorization WHERE client_id = ?', [toolsCli])) as { count: number | string }[];
      expect(Number(rows[0]!.count)).toBe(2);
    });

    it('says so in the API documentation of the device authorization endpoint', async () => {
      const document = (await gatehouse.http().get('/docs-json')).body as { paths: Record<string, { post: { description: string; responses: Record<string, { description: string }> } }> };
      for (const path of ['/api/v1/oauth/device_authorization', '/auth/realms/{realm}/protocol/openid-connect/auth/device']) {
        expect(document.paths[path]!.post.responses['400']!.description).toContain('`invalid_target`');
      }
      expect(document.paths['/api/v1/oauth/device_authorization']!.post.description).toContain('`resource` (RFC 8707');
    });
  });
});

describe('device code guessing on the /device page', () => {
  let gatehouse: TestApp;

  beforeAll(async () => {
    gatehouse = await startApp({ env: { SIGN_IN_RATE_LIMIT_PER_MINUTE: '3' } });
  }, 180_000);
  afterAll(() => gatehouse.close());

  it('is rate limited per address, like the sign-in form', async () => {
    const browser = new Browser(gatehouse);
    // The sign-in itself counts against the sign-in form's own budget, not the device page's.
    const signedIn = await browser.signIn('/device');
    expect(signedIn.status).toBe(303);
    const form = (await browser.agent.get('/device')).text;
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt++) statuses.push((await submitGuess(browser, form, `BBBB-BBB${'BCDF'[attempt]}`)).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
  });

  const submitGuess = (browser: Browser, form: string, userCode: string) => browser.agent.post('/device').type('form').send({ ...hiddenFields(form), user_code: userCode });
});
