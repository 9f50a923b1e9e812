import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { CHROMIUM, hasChromium, launchChromium } from './support/chromium.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';
import { Browser, location } from './support/browser.js';
import { createClient, decodeJwt } from './support/oauth.js';
import { freePort } from './support/server-process.js';

const browserTest = hasChromium ? it : it.skip;
if (!hasChromium) console.warn(`SKIPPED: the logout browser test needs Debian's chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it.`);

/**
 * A relying party built on openid-client 6, as its documentation shows: /login starts code + PKCE,
 * /callback redeems the code and validates the ID token (signature from the JWKS, RS256, the
 * algorithm openid-client expects unless told otherwise), /logout sends the browser to the end
 * session endpoint with buildEndSessionUrl, /signed-out is where it comes back.
 */
function startRelyingParty(config: () => oidc.Configuration, failures: string[]): Promise<Server> {
  let verifier = '';
  let state = '';
  let idToken = '';
  const server = createServer((request, response) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = new URL(request.url!, base);
    void (async () => {
      if (url.pathname === '/login') {
        verifier = oidc.randomPKCECodeVerifier();
        state = oidc.randomState();
        const authorize = oidc.buildAuthorizationUrl(config(), { redirect_uri: `${base}/callback`, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
        response.writeHead(302, { Location: authorize.href }).end();
      } else if (url.pathname === '/callback') {
        const tokens = await oidc.authorizationCodeGrant(config(), url, { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true });
        idToken = tokens.id_token!;
        response.writeHead(200, { 'Content-Type': 'text/html' }).end(`<h1>Hello ${String(tokens.claims()!.email)}</h1><p id="alg">${String(decodeJwt(idToken).header.alg)}</p>`);
      } else if (url.pathname === '/logout') {
        state = oidc.randomState();
        const endSession = oidc.buildEndSessionUrl(config(), { id_token_hint: idToken, post_logout_redirect_uri: `${base}/signed-out`, state });
        response.writeHead(302, { Location: endSession.href }).end();
      } else if (url.pathname === '/signed-out') {
        const ok = url.searchParams.get('state') === state;
        response.writeHead(ok ? 200 : 400, { 'Content-Type': 'text/html' }).end(ok ? '<h1>Signed out of the app</h1>' : '<h1>bad state</h1>');
      } else {
        response.writeHead(404).end();
      }
    })().catch((error: unknown) => {
      failures.push(String(error));
      response.writeHead(500).end(String(error));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('openid-client 6: RS256 ID tokens and RP-Initiated Logout', () => {
  let gatehouse: TestApp;
  let issuer: string;
  let relyingParty: Server;
  let config: oidc.Configuration;
  const failures: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: issuer } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
    relyingParty = await startRelyingParty(() => config, failures);
    const app = `http://127.0.0.1:${(relyingParty.address() as AddressInfo).port}`;
    const clientId = (await createClient(gatehouse, { name: 'Logout Demo', public: true, redirect_uris: [`${app}/callback`], post_logout_redirect_uris: [`${app}/signed-out`], scopes: ['openid', 'email'] })).client_id;
    config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  });
  afterAll(async () => {
    relyingParty?.close();
    await gatehouse.close();
  });

  browserTest('signs in with code + PKCE, validates the RS256 ID token, logs out through buildEndSessionUrl, and the session is gone', async () => {
    expect(config.serverMetadata().end_session_endpoint).toBe(`${issuer}/oauth2/logout`);
    const rp = `http://127.0.0.1:${(relyingParty.address() as AddressInfo).port}`;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      const blocked: string[] = [];
      page.on('console', (message) => message.type() === 'error' && blocked.push(message.text()));
      await page.goto(`${rp}/login`);
      await page.getByLabel('Email').fill(ADMIN_EMAIL);
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(/\/callback\?/);
      await expect(page.getByRole('heading').textContent()).resolves.toBe(`Hello ${ADMIN_EMAIL}`);
      await expect(page.locator('#alg').textContent()).resolves.toBe('RS256');

      await page.goto(`${rp}/logout`);
      await page.waitForURL(/\/signed-out\?/);
      expect(new URL(page.url()).searchParams.get('state')).toBeTruthy();
      await expect(page.getByRole('heading').textContent()).resolves.toBe('Signed out of the app');

      // The session is gone: the next authorization asks to sign in again.
      await page.goto(`${rp}/login`);
      await expect(page.getByRole('heading', { name: 'Sign in to Gatehouse' }).isVisible()).resolves.toBe(true);
      expect(new URL(page.url()).pathname).toBe('/oauth2/sign-in');
      expect(failures).toEqual([]);
      expect(blocked.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('validates the ES256 ID token of a client that chose ES256', async () => {
    const redirect = 'http://127.0.0.1:7777/callback';
    const clientId = (await createClient(gatehouse, { public: true, redirect_uris: [redirect], scopes: ['openid', 'email'], id_token_signed_response_alg: 'ES256' })).client_id;
    // The client's registered algorithm, which openid-client then requires (its default is RS256).
    const es256 = await oidc.discovery(new URL(issuer), clientId, { id_token_signed_response_alg: 'ES256' }, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    expect(es256.serverMetadata().id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256', 'ES256']));
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(es256, { redirect_uri: redirect, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce });
    const back = await new Browser(gatehouse).authorizeAndDecide(Object.fromEntries(url.searchParams));
    const tokens = await oidc.authorizationCodeGrant(es256, location(back), { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true });
    expect(decodeJwt(tokens.id_token!).header.alg).toBe('ES256');
    expect(tokens.claims()).toMatchObject({ iss: issuer, aud: clientId, email: ADMIN_EMAIL });
  });
});
