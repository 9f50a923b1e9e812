import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { manualClock } from './support/clock.js';
import { basic, type Credentials, ROOT, tokenFor } from './support/oauth.js';
import { type TestApp, startApp } from './support/test-app.js';
import { InteropServer, REALM } from './interop/interop-server.js';

/**
 * Pushed Authorization Requests (RFC 9126) with real client libraries on the other side
 * (openid-client 6 and oauth4webapi 3), the person signing in and consenting on the real pages,
 * against the server-wide issuer and a realm issuer; and every way a push or a request_uri is refused.
 */

const REDIRECT = 'https://app.example.com/callback';
const OTHER_REDIRECT = 'https://other.example.com/callback';
const PAR_PATH = '/api/v1/oauth/par';
const REALM_PAR_PATH = `/auth/realms/${REALM}/protocol/openid-connect/ext/par/request`;
const REALM_AUTHORIZE_PATH = `/auth/realms/${REALM}/protocol/openid-connect/auth`;
const SCOPE = 'openid email';
const insecure = { execute: [oidc.allowInsecureRequests] };
const http4 = { [oauth.allowInsecureRequests]: true } as const;

let server: InteropServer;
let gatehouse: TestApp;
/** A confidential client of the built-in organization. */
let app: Credentials;
/** A public client of the realm. */
let spa: Credentials;
/** Another confidential client of the built-in organization, with its own single redirect URI. */
let other: Credentials;
let clock: ReturnType<typeof manualClock>;

beforeAll(async () => {
  server = await InteropServer.start();
  gatehouse = server.gatehouse;
  clock = manualClock(gatehouse);
  app = await server.issuers['the server-wide issuer'].createClient({ name: 'PAR app', redirect_uris: [REDIRECT], scopes: ['openid', 'email', 'profile'] });
  other = await server.issuers['the server-wide issuer'].createClient({ name: 'Other app', redirect_uris: [OTHER_REDIRECT], scopes: ['openid', 'email'] });
  spa = await server.issuers['a realm issuer'].createClient({ name: 'PAR SPA', public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'email'] });
}, 60_000);
afterAll(() => server?.close());

const person = () => server.issuers['a realm issuer'].person;

/** A pushed request by client_secret_basic (or client_id alone for a public client); answers the raw response. */
function push(params: Record<string, string>, client: Credentials | { client_id: string } = app, path = PAR_PATH) {
  const request = gatehouse.http().post(path).type('form');
  if ('client_secret' in client) return request.set('Authorization', basic(client)).send(params);
  return request.send({ client_id: client.client_id, ...params });
}

function codeRequest(extra: Record<string, string> = {}): Record<string, string> {
  return { response_type: 'code', redirect_uri: REDIRECT, scope: SCOPE, state: 'par-state', code_challenge: pkce().challenge, code_challenge_method: 'S256', ...extra };
}

async function pushed(params: Record<string, string> = codeRequest(), client: Credentials | { client_id: string } = app, path = PAR_PATH): Promise<string> {
  const response = await push(params, client, path);
  if (response.status !== 201) throw new Error(`push: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { request_uri: string }).request_uri;
}

/** The OAuth error a redirect back to the client carries. */
function errorOf(response: { status: number; headers: Record<string, string> }): Record<string, string> {
  expect(response.status).toBe(302);
  return Object.fromEntries(location(response).searchParams);
}

describe('the PAR endpoint', () => {
  it('is published in both discovery documents, with require_pushed_authorization_requests', async () => {
    const platform = (await gatehouse.http().get('/.well-known/openid-configuration').expect(200)).body as Record<string, unknown>;
    expect(platform).toMatchObject({ pushed_authorization_request_endpoint: `${server.base}${PAR_PATH}`, require_pushed_authorization_requests: false });
    const realm = (await gatehouse.http().get(`/auth/realms/${REALM}/.well-known/openid-configuration`).expect(200)).body as Record<string, unknown>;
    expect(realm).toMatchObject({ pushed_authorization_request_endpoint: `${server.base}${REALM_PAR_PATH}`, require_pushed_authorization_requests: false });
  });

  it('answers 201 with a urn:ietf:params:oauth:request_uri and its lifetime, never cached', async () => {
    const response = await push(codeRequest());
    expect(response.status).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({ request_uri: expect.stringMatching(/^urn:ietf:params:oauth:request_uri:[\w-]{43}$/), expires_in: 60 });
  });

  it('takes client_secret_post and a JSON body as the token endpoint does', async () => {
    const form = await gatehouse.http().post(PAR_PATH).type('form').send({ ...app, ...codeRequest() });
    expect(form.status).toBe(201);
    const json = await gatehouse.http().post(PAR_PATH).send({ ...app, ...codeRequest() });
    expect(json.status).toBe(201);
  });

  it('refuses a client that does not authenticate (invalid_client), and a confidential client naming itself without its secret', async () => {
    const nobody = await gatehouse.http().post(PAR_PATH).type('form').send(codeRequest());
    expect(nobody.status).toBe(401);
    expect(nobody.body).toMatchObject({ error: 'invalid_client' });
    const noSecret = await gatehouse.http().post(PAR_PATH).type('form').send({ client_id: app.client_id, ...codeRequest() });
    expect(noSecret.status).toBe(401);
    expect(noSecret.body).toMatchObject({ error: 'invalid_client' });
    const wrongSecret = await push(codeRequest(), { client_id: app.client_id, client_secret: 'not the secret' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('refuses a realm client at another realm\'s PAR endpoint as an unknown client', async () => {
    const response = await push(codeRequest(), spa, '/auth/realms/default/protocol/openid-connect/ext/par/request');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'invalid_client' });
  });

  it.each([
    ['an unregistered redirect_uri', { redirect_uri: 'https://evil.example/cb' }, 'invalid_request'],
    ['a scope the client does not hold', { scope: 'openid client:write' }, 'invalid_scope'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['code_challenge_method plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
    ['a request_uri', { request_uri: 'urn:ietf:params:oauth:request_uri:abc' }, 'invalid_request'],
    ['an unknown prompt', { prompt: 'select_account' }, 'invalid_request'],
    ['an unknown response_mode', { response_mode: 'fragment' }, 'invalid_request'],
  ])('checks the request by the authorization endpoint\'s rules: %s (%j) is %s', async (_what, extra, error) => {
    const response = await push(codeRequest(extra));
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({ error, error_description: expect.any(String) });
    expect(response.headers.location).toBeUndefined();
  });

  it('refuses a repeated parameter, and a public client without PKCE', async () => {
    const repeated = await gatehouse.http().post(PAR_PATH).set('Authorization', basic(app)).type('form').send('response_type=code&scope=openid&scope=email');
    expect(repeated.status).toBe(400);
    expect(repeated.body).toMatchObject({ error: 'invalid_request' });
    const { code_challenge: _challenge, code_challenge_method: _method, ...withoutPkce } = codeRequest();
    const publicWithoutPkce = await push(withoutPkce, spa, REALM_PAR_PATH);
    expect(publicWithoutPkce.status).toBe(400);
    expect(publicWithoutPkce.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('PKCE') });
  });
});

describe('openid-client 6 (buildAuthorizationUrlWithPAR), confidential client, server-wide issuer', () => {
  it('walks the code flow through the sign-in and consent pages; the request_uri is then used up', async () => {
    const config = await oidc.discovery(new URL(server.base), app.client_id, app.client_secret, oidc.ClientSecretBasic(app.client_secret), insecure);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: REDIRECT, scope: SCOPE, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce });
    // RFC 9126 §4: the front channel carries the client_id and request_uri only.
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    expect(`${url.origin}${url.pathname}`).toBe(`${server.base}/oauth2/authorize`);

    const browser = new Browser(gatehouse);
    const query = Object.fromEntries(url.searchParams);
    const first = await browser.authorize(query);
    expect(location(first).pathname).toBe('/oauth2/sign-in');
    const signedIn = await browser.signIn(location(first).searchParams.get('return_to')!);
    expect(signedIn.status).toBe(303);
    // The consent page may be reloaded: the request_uri is used when the answer goes back, not when it is read.
    const consent = await browser.agent.get(signedIn.headers.location!);
    expect(consent.status).toBe(200);
    const reloaded = await browser.agent.get(signedIn.headers.location!);
    expect(reloaded.status).toBe(200);
    // The form carries the request_uri, not the pushed parameters.
    expect(hiddenFields(reloaded.text)).toMatchObject({ client_id: app.client_id, request_uri: query.request_uri });
    expect(hiddenFields(reloaded.text).scope).toBeUndefined();
    const allowed = await browser.agent.post('/oauth2/authorize').type('form').send({ ...hiddenFields(reloaded.text), decision: 'allow' });
    expect(allowed.status).toBe(303);

    const tokens = await oidc.authorizationCodeGrant(config, new URL(allowed.headers.location!), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    expect(tokens.claims()).toMatchObject({ iss: server.base, aud: app.client_id, nonce });
    expect(tokens.scope).toBe(SCOPE);

    // Single use: the same request_uri again (consent remembered, so it would go straight to a code) is refused.
    const again = await browser.authorize(query);
    expect(errorOf(again)).toMatchObject({ error: 'invalid_request_uri', state, iss: server.base });
    // A second answer from the consent form still open in another tab is refused too.
    const secondTab = await browser.agent.post('/oauth2/authorize').type('form').send({ ...hiddenFields(consent.text), decision: 'allow' });
    expect(secondTab.status).toBe(303);
    expect(location(secondTab).searchParams.get('error')).toBe('invalid_request_uri');
    expect(location(secondTab).searchParams.get('code')).toBeNull();
  });

  it('uses only the pushed parameters: others sent beside the request_uri are ignored', async () => {
    const requestUri = await pushed(codeRequest({ state: 'pushed-state' }));
    const browser = new Browser(gatehouse);
    const response = await browser.authorizeAndDecide({ client_id: app.client_id, request_uri: requestUri, state: 'front-state', redirect_uri: 'https://evil.example/cb', scope: 'openid profile' });
    const back = location(response);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('pushed-state');
    expect(back.searchParams.get('code')).toBeTruthy();
  });

  it('uses the request_uri up when the user denies', async () => {
    const requestUri = await pushed(codeRequest({ prompt: 'consent' }));
    const browser = new Browser(gatehouse);
    const denied = await browser.authorizeAndDecide({ client_id: app.client_id, request_uri: requestUri }, 'deny');
    expect(location(denied).searchParams.get('error')).toBe('access_denied');
    expect(errorOf(await browser.authorize({ client_id: app.client_id, request_uri: requestUri }))).toMatchObject({ error: 'invalid_request_uri', state: 'par-state' });
  });

  it('honours a pushed prompt=login once, without asking again after the sign-in', async () => {
    const browser = new Browser(gatehouse);
    // Signed in already, with consent remembered; the push comes after that sign-in.
    expect(location(await browser.authorizeAndDecide({ client_id: app.client_id, request_uri: await pushed() })).searchParams.get('code')).toBeTruthy();
    clock.advance(1000);
    const query = { client_id: app.client_id, request_uri: await pushed(codeRequest({ prompt: 'login' })) };
    const first = await browser.authorize(query);
    expect(location(first).pathname).toBe('/oauth2/sign-in');
    const signedIn = await browser.signIn(location(first).searchParams.get('return_to')!);
    const back = await browser.agent.get(signedIn.headers.location!);
    expect(back.status).toBe(302);
    expect(location(back).searchParams.get('code')).toBeTruthy();
  });
});

describe('oauth4webapi (pushedAuthorizationRequest), public client, realm issuer', () => {
  it('walks the code flow through the sign-in and consent pages', async () => {
    const issuer = new URL(server.issuers['a realm issuer'].issuer);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http4));
    expect(as.pushed_authorization_request_endpoint).toBe(`${server.base}${REALM_PAR_PATH}`);
    const client: oauth.Client = { client_id: spa.client_id, token_endpoint_auth_method: 'none' };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const parameters = { redirect_uri: REDIRECT, response_type: 'code', scope: SCOPE, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce };
    const response = await oauth.pushedAuthorizationRequest(as, client, oauth.None(), parameters, http4);
    const { request_uri: requestUri, expires_in: expiresIn } = await oauth.processPushedAuthorizationResponse(as, client, response);
    expect(expiresIn).toBe(60);

    const browser = new Browser(gatehouse);
    const answered = await browser.authorizeAndDecide({ client_id: spa.client_id, request_uri: requestUri }, 'allow', REALM_AUTHORIZE_PATH, person());
    expect(answered.status).toBe(303);
    const params = oauth.validateAuthResponse(as, client, new URL(answered.headers.location!), state);
    const tokenResponse = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, http4);
    const result = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse, { expectedNonce: nonce, requireIdToken: true });
    expect(oauth.getValidatedIdTokenClaims(result)).toMatchObject({ iss: issuer.href, aud: spa.client_id, email: person().email });
  });
});

describe('request_uri refusals at the authorization endpoint', () => {
  it('refuses an unknown request_uri of the PAR form with invalid_request_uri, and any other request_uri with request_uri_not_supported', async () => {
    const browser = new Browser(gatehouse);
    expect(errorOf(await browser.authorize({ client_id: app.client_id, request_uri: 'urn:ietf:params:oauth:request_uri:unknown' }))).toMatchObject({ error: 'invalid_request_uri' });
    expect(errorOf(await browser.authorize({ client_id: app.client_id, request_uri: 'https://app.example.com/request.jwt' }))).toMatchObject({ error: 'request_uri_not_supported' });
    // Without a client the error has nowhere to go but the page.
    const noClient = await browser.authorize({ request_uri: 'urn:ietf:params:oauth:request_uri:unknown' });
    expect(noClient.status).toBe(400);
    expect(noClient.text).toContain('client_id is missing');
  });

  it('refuses another client\'s request_uri without burning it for the client that pushed it', async () => {
    const requestUri = await pushed();
    const browser = new Browser(gatehouse);
    // The other client's own (single) redirect URI gets the error; the pushed state is not revealed.
    const stolen = await browser.authorize({ client_id: other.client_id, request_uri: requestUri });
    expect(`${location(stolen).origin}${location(stolen).pathname}`).toBe(OTHER_REDIRECT);
    expect(errorOf(stolen)).toMatchObject({ error: 'invalid_request_uri' });
    expect(errorOf(stolen).state).toBeUndefined();
    expect(location(await browser.authorizeAndDecide({ client_id: app.client_id, request_uri: requestUri })).searchParams.get('code')).toBeTruthy();
  });

  it('refuses a request_uri pushed to a realm at the server-wide authorization endpoint, without burning it', async () => {
    const requestUri = await pushed(codeRequest(), spa, REALM_PAR_PATH);
    const browser = new Browser(gatehouse);
    expect(errorOf(await browser.authorize({ client_id: spa.client_id, request_uri: requestUri }))).toMatchObject({ error: 'invalid_request_uri' });
    const answered = await browser.authorizeAndDecide({ client_id: spa.client_id, request_uri: requestUri }, 'allow', REALM_AUTHORIZE_PATH, person());
    expect(location(answered).searchParams.get('code')).toBeTruthy();
  });

  it('shows the rightful client\'s request refused when the request_uri was pushed to the server-wide endpoint and presented at a realm', async () => {
    const requestUri = await pushed();
    const wrongRealm = await new Browser(gatehouse).authorize({ client_id: app.client_id, request_uri: requestUri }, REALM_AUTHORIZE_PATH);
    // A client of another organization at a realm path is unknown there: a page, no redirect.
    expect(wrongRealm.status).toBe(400);
    expect(wrongRealm.headers.location).toBeUndefined();
  });
});

describe('requiring PAR', () => {
  const root = () => tokenFor(gatehouse, ROOT);

  it('per client (admin API): the authorization endpoint refuses requests that were not pushed', async () => {
    const created = await gatehouse.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${await root()}`).send({ name: 'PAR only', redirect_uris: [REDIRECT], scopes: ['openid', 'email'], require_pushed_authorization_requests: true });
    expect(created.status).toBe(201);
    const client = created.body as Credentials;
    const shown = await gatehouse.http().get(`/api/v1/oauth/client/${client.client_id}`).set('Authorization', `Bearer ${await root()}`);
    expect(shown.body).toMatchObject({ require_pushed_authorization_requests: true });

    const browser = new Browser(gatehouse);
    const plain = await browser.authorize({ client_id: client.client_id, ...codeRequest() });
    expect(errorOf(plain)).toMatchObject({ error: 'invalid_request', state: 'par-state', error_description: expect.stringContaining('push') });
    expect(location(await browser.authorizeAndDecide({ client_id: client.client_id, request_uri: await pushed(codeRequest(), client) })).searchParams.get('code')).toBeTruthy();

    const updated = await gatehouse.http().put(`/api/v1/oauth/client/${client.client_id}`).set('Authorization', `Bearer ${await root()}`).send({ require_pushed_authorization_requests: false });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ require_pushed_authorization_requests: false });
    const allowedAgain = await browser.authorize({ client_id: client.client_id, ...codeRequest() });
    expect(location(allowedAgain).searchParams.get('code')).toBeTruthy();
    const invalid = await gatehouse.http().put(`/api/v1/oauth/client/${client.client_id}`).set('Authorization', `Bearer ${await root()}`).send({ require_pushed_authorization_requests: 'yes' });
    expect(invalid.status).toBe(400);
  });

  it('per client (dynamic client registration metadata)', async () => {
    const registered = await gatehouse.http().post('/v1/oauth2/register').set('Authorization', `Bearer ${await root()}`).send({ redirect_uris: [REDIRECT], scope: 'openid', require_pushed_authorization_requests: true });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ require_pushed_authorization_requests: true });
    const clientId = (registered.body as { client_id: string }).client_id;
    expect(errorOf(await new Browser(gatehouse).authorize({ client_id: clientId, ...codeRequest({ scope: 'openid' }) }))).toMatchObject({ error: 'invalid_request' });
    const defaulted = await gatehouse.http().post('/v1/oauth2/register').set('Authorization', `Bearer ${await root()}`).send({ redirect_uris: [REDIRECT], scope: 'openid' });
    expect(defaulted.body).toMatchObject({ require_pushed_authorization_requests: false });
    const invalid = await gatehouse.http().post('/v1/oauth2/register').set('Authorization', `Bearer ${await root()}`).send({ redirect_uris: [REDIRECT], require_pushed_authorization_requests: 'yes' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ error: 'invalid_client_metadata' });
  });

  it('per organization (organization API): its clients must push, and its realm document says so', async () => {
    const setting = async (value: boolean) => gatehouse.http().put(`/api/v1/organizations/${REALM}`).set('Authorization', `Bearer ${await root()}`).send({ require_pushed_authorization_requests: value });
    const on = await setting(true);
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ require_pushed_authorization_requests: true });
    const document = (await gatehouse.http().get(`/auth/realms/${REALM}/.well-known/openid-configuration`).expect(200)).body as Record<string, unknown>;
    expect(document.require_pushed_authorization_requests).toBe(true);

    const browser = new Browser(gatehouse);
    expect(errorOf(await browser.authorize({ client_id: spa.client_id, ...codeRequest() }, REALM_AUTHORIZE_PATH))).toMatchObject({ error: 'invalid_request' });
    const answered = await browser.authorizeAndDecide({ client_id: spa.client_id, request_uri: await pushed(codeRequest(), spa, REALM_PAR_PATH) }, 'allow', REALM_AUTHORIZE_PATH, person());
    expect(location(answered).searchParams.get('code')).toBeTruthy();

    expect((await setting(false)).body).toMatchObject({ require_pushed_authorization_requests: false });
    const plain = await browser.authorize({ client_id: spa.client_id, ...codeRequest() }, REALM_AUTHORIZE_PATH);
    expect(location(plain).searchParams.get('code')).toBeTruthy();
  });

  it('never locks out Gatehouse\'s own console, even when the built-in organization requires PAR', async () => {
    const root = await tokenFor(gatehouse, ROOT);
    await gatehouse.http().put('/api/v1/organizations/default').set('Authorization', `Bearer ${root}`).send({ require_pushed_authorization_requests: true }).expect(200);
    try {
      const console = await new Browser(gatehouse).authorize({ response_type: 'code', client_id: 'gatehouse-console', redirect_uri: `${server.base}/console/callback`, scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
      expect(location(console).pathname).toBe('/oauth2/sign-in');
      expect(errorOf(await new Browser(gatehouse).authorize({ client_id: app.client_id, ...codeRequest() }))).toMatchObject({ error: 'invalid_request' });
    } finally {
      await gatehouse.http().put('/api/v1/organizations/default').set('Authorization', `Bearer ${root}`).send({ require_pushed_authorization_requests: false }).expect(200);
    }
  });
});

describe('across instances', () => {
  it('takes at one instance a request pushed to another (they share the database)', async () => {
    const second = await startApp({ databaseUrl: gatehouse.databaseUrl, env: { PUBLIC_URL: server.base } });
    try {
      const requestUri = await pushed();
      const answered = await new Browser(second).authorizeAndDecide({ client_id: app.client_id, request_uri: requestUri });
      expect(location(answered).searchParams.get('code')).toBeTruthy();
      expect(errorOf(await new Browser(gatehouse).authorize({ client_id: app.client_id, request_uri: requestUri })).error).toBe('invalid_request_uri');
    } finally {
      await second.close();
    }
  });
});

// Last: these move the server's clock on, which the client libraries above would notice in the tokens' iat.
describe('expiry', () => {
  it('refuses an expired request_uri with invalid_request_uri, back at the client with the pushed state', async () => {
    const requestUri = await pushed(codeRequest({ state: 'expired-state' }));
    clock.advance(60_000);
    const refused = await new Browser(gatehouse).authorize({ client_id: app.client_id, request_uri: requestUri });
    expect(errorOf(refused)).toMatchObject({ error: 'invalid_request_uri', state: 'expired-state', error_description: expect.stringContaining('expired') });
  });

  it('gives the sign-in and consent more time once the authorization endpoint has taken the request_uri', async () => {
    const requestUri = await pushed();
    const browser = new Browser(gatehouse);
    const first = await browser.authorize({ client_id: app.client_id, request_uri: requestUri, prompt: 'ignored' });
    expect(location(first).pathname).toBe('/oauth2/sign-in');
    clock.advance(5 * 60_000);
    const signedIn = await browser.signIn(location(first).searchParams.get('return_to')!);
    const back = await browser.agent.get(signedIn.headers.location!);
    // Consent for these scopes was given earlier: straight back with a code.
    expect(location(back).searchParams.get('code')).toBeTruthy();
  });

  it('purges expired request_uris from the database', async () => {
    const rows = () => gatehouse.app.get(DataSource).query('SELECT COUNT(*) AS n FROM pushed_authorization_request') as Promise<{ n: number | string }[]>;
    expect(Number((await rows())[0]!.n)).toBeGreaterThan(0);
    clock.advance(60 * 60_000);
    await pushed();
    expect(Number((await rows())[0]!.n)).toBe(1);
  });
});
