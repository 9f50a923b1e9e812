import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { type Page } from 'playwright-core';
import { CHROMIUM, hasChromium, launchChromium } from './support/chromium.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization } from './support/tenants.js';
import { freePort } from './support/server-process.js';

const browserTest = hasChromium ? it : it.skip;
if (!hasChromium) console.warn(`SKIPPED: the form post browser tests need Debian's chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it.`);

const REDIRECT = 'https://app.example.com/callback';

/** The one inline script of a page, and the CSP source that allows exactly that text. */
function inlineScriptHash(page: string): string {
  const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
  expect(scripts).toHaveLength(1);
  return `'sha256-${createHash('sha256').update(scripts[0]!).digest('base64')}'`;
}

/** The action of the page's form. */
const formAction = (page: string) => /<form method="post" action="([^"]*)">/.exec(page)?.[1]?.replaceAll('&amp;', '&');

describe('authorization request conformance: request objects and response modes', () => {
  let gatehouse: TestApp;
  let app: string;

  beforeAll(async () => {
    gatehouse = await startApp();
  });
  // A new client for each test: consent is remembered per user and client.
  beforeEach(async () => {
    app = (await createClient(gatehouse, { name: 'Example', public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'email'] })).client_id;
  });
  afterAll(() => gatehouse.close());

  const request = (extra: Record<string, string> = {}) => ({
    response_type: 'code',
    client_id: app,
    redirect_uri: REDIRECT,
    scope: 'openid email',
    state: 'st-1',
    code_challenge: pkce().challenge,
    code_challenge_method: 'S256',
    ...extra,
  });

  describe('OpenID Connect Core §6: request and request_uri are refused, never ignored', () => {
    it('sends request_not_supported and request_uri_not_supported back to the redirect URI, with state and iss', async () => {
      for (const [parameter, error] of [
        ['request', 'request_not_supported'],
        ['request_uri', 'request_uri_not_supported'],
      ]) {
        const response = await new Browser(gatehouse).authorize(request({ [parameter]: parameter === 'request' ? 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6Im9wZW5pZCJ9.' : 'https://app.example.com/request.jwt' }));
        expect(response.status).toBe(302);
        const back = location(response);
        expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
        expect(Object.fromEntries(back.searchParams)).toMatchObject({ error, state: 'st-1', iss: 'http://localhost:8080' });
        expect(back.searchParams.get('code')).toBeNull();
      }
    });

    it('refuses them even for a signed-in user who has consented (they never reach the code)', async () => {
      const browser = new Browser(gatehouse);
      expect(location(await browser.authorizeAndDecide(request())).searchParams.get('code')).toBeTruthy();
      const refused = await browser.authorize(request({ request_uri: 'https://app.example.com/request.jwt' }));
      expect(location(refused).searchParams.get('error')).toBe('request_uri_not_supported');
    });

    it('shows a page, without redirecting, when the request names no usable client or redirect URI', async () => {
      const noClient = await new Browser(gatehouse).authorize({ request: 'eyJhbGciOiJub25lIn0.e30.' });
      expect(noClient.status).toBe(400);
      expect(noClient.headers.location).toBeUndefined();
      expect(noClient.text).toContain('does not accept request objects (request)');
      const badRedirect = await new Browser(gatehouse).authorize(request({ redirect_uri: 'https://evil.example/cb', request_uri: 'urn:x' }));
      expect(badRedirect.status).toBe(400);
      expect(badRedirect.headers.location).toBeUndefined();
    });

    it('treats an empty request parameter as absent (RFC 6749 §3.1)', async () => {
      const response = await new Browser(gatehouse).authorize(request({ request: '' }));
      expect(location(response).pathname).toBe('/oauth2/sign-in');
    });

    it.each([
      ['the server-wide documents', ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']],
      ['a realm document', ['/auth/realms/default/.well-known/openid-configuration']],
    ])('publishes request_parameter_supported and request_uri_parameter_supported false, and both response modes, in %s', async (_what, paths) => {
      for (const path of paths) {
        const metadata = (await gatehouse.http().get(path).expect(200)).body as Record<string, unknown>;
        expect(metadata).toMatchObject({ request_parameter_supported: false, request_uri_parameter_supported: false, response_modes_supported: ['query', 'form_post'] });
      }
    });
  });

  describe('response_mode', () => {
    it('answers invalid_request in the query for an unknown or repeated response_mode', async () => {
      const unknown = location(await new Browser(gatehouse).authorize(request({ response_mode: 'fragment' })));
      expect(Object.fromEntries(unknown.searchParams)).toMatchObject({ error: 'invalid_request', error_description: 'response_mode must be query or form_post', state: 'st-1' });
      const repeated = await new Browser(gatehouse).agent.get(`/oauth2/authorize?${new URLSearchParams(request())}&response_mode=form_post&response_mode=query`);
      expect(repeated.status).toBe(302);
      expect(location(repeated).searchParams.get('error')).toBe('invalid_request');
    });

    it('keeps query as the default, and response_mode=query answers as before', async () => {
      const browser = new Browser(gatehouse);
      // After the consent form (303), and with consent remembered (302).
      const first = await browser.authorizeAndDecide(request());
      expect(first.status).toBe(303);
      expect(location(first).searchParams.get('code')).toBeTruthy();
      const again = await browser.authorize(request({ response_mode: 'query' }));
      expect(again.status).toBe(302);
      expect(Object.keys(Object.fromEntries(location(again).searchParams))).toEqual(['code', 'state', 'iss']);
    });

    it('posts the code, state and iss to the redirect URI in a page whose one script the CSP allows by its hash', async () => {
      const { verifier, challenge } = pkce();
      const response = await new Browser(gatehouse).authorizeAndDecide(request({ response_mode: 'form_post', code_challenge: challenge }));
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['cache-control']).toBe('no-store');
      const page = response.text;
      expect(formAction(page)).toBe(REDIRECT);
      const fields = hiddenFields(page);
      expect(Object.keys(fields)).toEqual(['code', 'state', 'iss']);
      expect(fields).toMatchObject({ state: 'st-1', iss: 'http://localhost:8080' });
      expect(page).toMatch(/<button class="primary" type="submit">Continue<\/button>/);

      const csp = String(response.headers['content-security-policy']);
      expect(csp.split('; ')).toContain(`script-src ${inlineScriptHash(page)}`);
      expect(csp).toContain("default-src 'none'");

      const token = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: app, redirect_uri: REDIRECT, code: fields.code, code_verifier: verifier });
      expect(token.status).toBe(200);
    });

    it('posts errors too: the user denies, and a request refused after the redirect URI is known', async () => {
      const denied = await new Browser(gatehouse).authorizeAndDecide(request({ response_mode: 'form_post' }), 'deny');
      expect(denied.status).toBe(200);
      expect(formAction(denied.text)).toBe(REDIRECT);
      expect(hiddenFields(denied.text)).toEqual({ error: 'access_denied', error_description: 'The user denied the request', state: 'st-1', iss: 'http://localhost:8080' });
      expect(String(denied.headers['content-security-policy'])).toContain(`script-src ${inlineScriptHash(denied.text)}`);

      const refused = await new Browser(gatehouse).authorize(request({ response_mode: 'form_post', request_uri: 'urn:x', state: 'a"b<c' }));
      expect(refused.status).toBe(200);
      expect(hiddenFields(refused.text)).toMatchObject({ error: 'request_uri_not_supported', state: 'a"b<c' });
      // Escaped, not markup: the state cannot open a tag of its own.
      expect(refused.text).not.toContain('a"b<c');

      const loginRequired = await new Browser(gatehouse).authorize(request({ response_mode: 'form_post', prompt: 'none' }));
      expect(hiddenFields(loginRequired.text)).toMatchObject({ error: 'login_required', state: 'st-1' });
    });

    it('posts to the realm issuer with its iss', async () => {
      await createOrganization(gatehouse, { name: 'postrealm', oauth_enabled: true });
      const realmApp = (await createClientIn(gatehouse, 'postrealm', { public: true, redirect_uris: [REDIRECT], scopes: ['openid'] })).client_id;
      const user = { email: 'member@postrealm.test', password: 'post realm member password' };
      const root = await tokenFor(gatehouse, ROOT);
      expect((await gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).send({ ...user, name: 'Member', organization: 'postrealm' })).status).toBe(201);
      const response = await new Browser(gatehouse).authorizeAndDecide(
        request({ client_id: realmApp, scope: 'openid', response_mode: 'form_post' }),
        'allow',
        '/auth/realms/postrealm/protocol/openid-connect/auth',
        user,
      );
      expect(response.status).toBe(200);
      expect(hiddenFields(response.text)).toMatchObject({ state: 'st-1', iss: 'http://localhost:8080/auth/realms/postrealm' });
    });
  });
});

/**
 * A relying party built on openid-client 6 with response_mode=form_post: its callback takes the
 * POST, and openid-client reads the response from the Request (state, iss, PKCE, ID token).
 */
function startFormPostRelyingParty(config: () => oidc.Configuration, redirectUri: () => string): Promise<Server & { callbacks: string[] }> {
  const pending = new Map<string, { verifier: string; nonce: string }>();
  const callbacks: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url!, redirectUri());
    if (url.pathname === '/login') {
      void (async () => {
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        pending.set(state, { verifier, nonce });
        const authorize = oidc.buildAuthorizationUrl(config(), {
          redirect_uri: redirectUri(),
          scope: 'openid email',
          response_mode: 'form_post',
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        });
        response.writeHead(302, { Location: authorize.href }).end();
      })();
      return;
    }
    if (url.pathname !== '/callback') {
      response.writeHead(404).end();
      return;
    }
    callbacks.push(request.method!);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        try {
          const body = Buffer.concat(chunks).toString();
          const state = new URLSearchParams(body).get('state') ?? '';
          const expected = pending.get(state);
          if (request.method !== 'POST' || !expected) throw new Error(`unexpected ${request.method} callback`);
          const incoming = new Request(url, { method: 'POST', headers: { 'content-type': request.headers['content-type']! }, body });
          const tokens = await oidc.authorizationCodeGrant(config(), incoming, { pkceCodeVerifier: expected.verifier, expectedState: state, expectedNonce: expected.nonce, idTokenExpected: true });
          const userinfo = await oidc.fetchUserInfo(config(), tokens.access_token, tokens.claims()!.sub);
          response.writeHead(200, { 'Content-Type': 'text/html' }).end(`<h1>Hello ${String(userinfo.email)}</h1>`);
        } catch (error) {
          response.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error));
        }
      })();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(Object.assign(server, { callbacks }))));
}

describe('form_post in a real browser, with openid-client 6 as the relying party', () => {
  let gatehouse: TestApp;
  let relyingParty: Server & { callbacks: string[] };
  let config: oidc.Configuration;
  let issuer: string;
  const rpBase = () => `http://127.0.0.1:${(relyingParty.address() as AddressInfo).port}`;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: issuer } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
    relyingParty = await startFormPostRelyingParty(
      () => config,
      () => `${rpBase()}/callback`,
    );
  });

  /** A new client for each test: consent is remembered per user and client. */
  async function newClient(name: string): Promise<void> {
    const clientId = (await createClient(gatehouse, { name, public: true, redirect_uris: [`${rpBase()}/callback`], scopes: ['openid', 'email'] })).client_id;
    config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  }
  afterAll(async () => {
    relyingParty?.close();
    await gatehouse?.close();
  });

  async function signInAndAllow(page: Page, name: string): Promise<void> {
    await newClient(name);
    await page.goto(`${rpBase()}/login`);
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: `${name} wants to access your account` }).isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Allow' }).click();
  }

  browserTest('completes code + PKCE: the page posts itself to the callback, with no CSP violation', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      const consoleErrors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
      const posted = page.waitForRequest((request) => request.url() === `${rpBase()}/callback`);
      relyingParty.callbacks.length = 0;
      await signInAndAllow(page, 'Form Post App');

      const callback = await posted;
      expect(callback.method()).toBe('POST');
      expect(Object.keys(Object.fromEntries(new URLSearchParams(callback.postData() ?? '')))).toEqual(['code', 'state', 'iss']);
      await expect(page.getByRole('heading').textContent()).resolves.toBe(`Hello ${ADMIN_EMAIL}`);
      expect(relyingParty.callbacks).toEqual(['POST']);
      // The auto-submit script ran under the page's CSP (a blocked inline script would be reported here).
      expect(consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  browserTest('without script, the page shows a Continue button that posts the response', async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      relyingParty.callbacks.length = 0;
      await signInAndAllow(page, 'Scriptless App');

      await expect(page.getByRole('heading', { name: 'Returning to the application' }).isVisible()).resolves.toBe(true);
      expect(relyingParty.callbacks).toEqual([]);
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page.getByRole('heading').textContent()).resolves.toBe(`Hello ${ADMIN_EMAIL}`);
      expect(relyingParty.callbacks).toEqual(['POST']);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
