import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHROMIUM, hasChromium, launchChromium } from './support/chromium.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';
import { createClient } from './support/oauth.js';
import { createClientIn, createOrganization } from './support/tenants.js';
import { createUser } from './support/principals.js';
import { freePort } from './support/server-process.js';

const browserTest = hasChromium ? it : it.skip;
if (!hasChromium) console.warn(`SKIPPED: the browser app test needs Debian's chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it.`);

/** oauth4webapi's browser build: one ES module with no imports, served to the page as is. */
const OAUTH4WEBAPI = readFileSync(createRequire(import.meta.url).resolve('oauth4webapi'), 'utf8');

/**
 * A single-page app as its developer would write it with oauth4webapi: /start discovers the
 * server and sends the browser to authorize (code + PKCE); /callback redeems the code, reads
 * userinfo and revokes the access token, every call a cross-origin fetch from the page.
 */
const APP_SCRIPT = `
import * as oauth from '/oauth4webapi.js';
const insecure = { [oauth.allowInsecureRequests]: true };
const show = (key, value) => { document.body.dataset[key] = typeof value === 'string' ? value : JSON.stringify(value); };
try {
  const config = location.pathname === '/start' ? Object.fromEntries(new URLSearchParams(location.search)) : JSON.parse(sessionStorage.getItem('config'));
  const issuer = new URL(config.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: config.algorithm, ...insecure }));
  const client = { client_id: config.client_id };
  const redirectUri = location.origin + '/callback';
  if (location.pathname === '/start') {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    sessionStorage.setItem('config', JSON.stringify({ ...config, verifier, state }));
    const url = new URL(as.authorization_endpoint);
    url.search = new URLSearchParams({ response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, scope: 'openid email', state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
    location.assign(url.href);
  } else {
    const params = oauth.validateAuthResponse(as, client, new URL(location.href), config.state);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, config.verifier, insecure));
    const sub = oauth.getValidatedIdTokenClaims(tokens).sub;
    const userinfo = await oauth.processUserInfoResponse(as, client, sub, await oauth.userInfoRequest(as, client, tokens.access_token, insecure));
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.None(), tokens.access_token, insecure));
    show('result', { issuer: as.issuer, sub, email: userinfo.email, scope: tokens.scope, revoked: true });
  }
} catch (error) {
  show('error', String(error?.message ?? error) + ' ' + JSON.stringify(error?.cause ?? null));
}
`;

function startBrowserApp(): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url!, 'http://127.0.0.1').pathname;
    if (path === '/oauth4webapi.js') return void response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(OAUTH4WEBAPI);
    if (path === '/app.js') return void response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(APP_SCRIPT);
    if (path === '/start' || path === '/callback') return void response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><title>SPA</title><script type="module" src="/app.js"></script>');
    response.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('a browser app (public client) on another origin, with oauth4webapi and no CORS_ORIGINS', () => {
  let gatehouse: TestApp;
  let spa: Server;
  let base: string;
  let spaOrigin: string;

  beforeAll(async () => {
    spa = await startBrowserApp();
    spaOrigin = `http://127.0.0.1:${(spa.address() as AddressInfo).port}`;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: base, CORS_ORIGINS: undefined } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(async () => {
    spa?.close();
    await gatehouse.close();
  });

  browserTest.each([
    ['the server-wide issuer, by OpenID Connect discovery', undefined, 'oidc'],
    ["a realm's issuer, by RFC 8414 discovery (the path-inserted well-known URL)", 'spa', 'oauth2'],
  ])('discovers, authorizes with code + PKCE, redeems the code, reads userinfo and revokes at %s', async (_what, realm, algorithm) => {
    let user = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };
    let clientId: string;
    const registration = { name: 'Browser App', public: true, redirect_uris: [`${spaOrigin}/callback`], scopes: ['openid', 'email'] };
    if (realm) {
      await createOrganization(gatehouse, { name: realm, oauth_enabled: true });
      clientId = (await createClientIn(gatehouse, realm, registration)).client_id;
      user = { email: 'ada@spa.test', password: 'ada passphrase 123' };
      await createUser(gatehouse, user, realm, 'member');
    } else {
      clientId = (await createClient(gatehouse, registration)).client_id;
    }
    const issuer = realm ? `${base}/auth/realms/${realm}` : base;

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(15_000);
      const consoleErrors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
      const crossOrigin: string[] = [];
      page.on('request', (request) => {
        if (request.resourceType() === 'fetch' && request.url().startsWith(base)) crossOrigin.push(`${request.method()} ${new URL(request.url()).pathname}`);
      });
      await page.goto(`${spaOrigin}/start?${new URLSearchParams({ issuer, client_id: clientId, algorithm })}`);

      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(/\/callback\?/);
      // What the page's script showed (attributes: this file is compiled without the DOM's types).
      const body = page.locator('body[data-result], body[data-error]');
      await body.waitFor({ state: 'attached' });
      const [result, error] = [(await body.getAttribute('data-result')) ?? undefined, (await body.getAttribute('data-error')) ?? undefined];
      expect(error).toBeUndefined();
      expect(JSON.parse(result!)).toMatchObject({ issuer, email: user.email, scope: 'openid email', revoked: true });
      expect(consoleErrors.filter((text) => /CORS|Access-Control/i.test(text))).toEqual([]);
      // Every call went from the app's origin to Gatehouse's: discovery (twice), token, userinfo, revocation.
      const wellKnown = realm ? `/.well-known/oauth-authorization-server/auth/realms/${realm}` : '/.well-known/openid-configuration';
      const endpoints = realm ? `/auth/realms/${realm}/protocol/openid-connect` : undefined;
      expect(crossOrigin).toEqual([
        `GET ${wellKnown}`,
        `GET ${wellKnown}`,
        `POST ${endpoints ? `${endpoints}/token` : '/api/v1/oauth/token'}`,
        `GET ${endpoints ? `${endpoints}/userinfo` : '/oauth2/userinfo'}`,
        `POST ${endpoints ? `${endpoints}/revoke` : '/api/v1/oauth/revoke'}`,
      ]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
