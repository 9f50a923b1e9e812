import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHROMIUM, hasChromium, launchChromium } from './support/chromium.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';
import { createClient } from './support/oauth.js';

const browserTest = hasChromium ? it : it.skip;
if (!hasChromium) console.warn(`SKIPPED: the sign-in browser test needs Debian's chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it.`);

/**
 * A tiny third-party app, as its developer would write it: /login starts the authorization code
 * flow with PKCE and state, /callback checks the state, redeems the code and greets the user by
 * the email userinfo returns.
 */
function startRelyingParty(gatehouse: string, clientId: () => string): Promise<Server> {
  const pending = new Map<string, string>();
  const server = createServer((request, response) => {
    const url = new URL(request.url!, 'http://127.0.0.1');
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
    if (url.pathname === '/login') {
      const state = randomBytes(16).toString('base64url');
      const verifier = randomBytes(32).toString('base64url');
      pending.set(state, verifier);
      const authorize = new URL(`${gatehouse}/oauth2/authorize`);
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: clientId(),
        redirect_uri: redirectUri,
        scope: 'openid email',
        state,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      response.writeHead(302, { Location: authorize.toString() }).end();
      return;
    }
    const verifier = pending.get(url.searchParams.get('state') ?? '');
    if (url.pathname !== '/callback' || !verifier) {
      response.writeHead(400).end('bad state');
      return;
    }
    void (async () => {
      const token = (await (
        await fetch(`${gatehouse}/api/v1/oauth/token`, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId(), code: url.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: verifier }),
        })
      ).json()) as { access_token: string };
      const userinfo = (await (await fetch(`${gatehouse}/oauth2/userinfo`, { headers: { Authorization: `Bearer ${token.access_token}` } })).json()) as { email: string };
      response.writeHead(200, { 'Content-Type': 'text/html' }).end(`<h1>Hello ${userinfo.email}</h1>`);
    })();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the sign-in and consent pages in a real browser', () => {
  let gatehouse: TestApp;
  let relyingParty: Server;
  let clientId = '';

  beforeAll(async () => {
    gatehouse = await startApp();
    await gatehouse.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(gatehouse.app.getHttpServer().address() as AddressInfo).port}`;
    relyingParty = await startRelyingParty(base, () => clientId);
    const port = (relyingParty.address() as AddressInfo).port;
    clientId = (await createClient(gatehouse, { name: 'Tiny App', public: true, redirect_uris: [`http://127.0.0.1:${port}/callback`], scopes: ['openid', 'email'] })).client_id;
  });
  afterAll(async () => {
    relyingParty?.close();
    await gatehouse.close();
  });

  browserTest('signs in, consents, and completes the code + PKCE flow of a third-party app', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      const blocked: string[] = [];
      page.on('console', (message) => message.type() === 'error' && blocked.push(message.text()));
      await page.goto(`http://127.0.0.1:${(relyingParty.address() as AddressInfo).port}/login`);

      await expect(page.getByRole('heading', { name: 'Sign in to Gatehouse' }).isVisible()).resolves.toBe(true);
      await page.getByLabel('Email').fill(ADMIN_EMAIL);
      await page.getByLabel('Password').fill('a wrong password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain('The email or password is incorrect.');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();

      await expect(page.getByRole('heading', { name: 'Tiny App wants to access your account' }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('listitem').allTextContents()).resolves.toEqual(expect.arrayContaining([expect.stringContaining('See your email address')]));
      // Keyboard only: the Allow button is reachable and works with Enter.
      await page.getByRole('button', { name: 'Allow' }).focus();
      await page.keyboard.press('Enter');

      await page.waitForURL(/\/callback\?/);
      await expect(page.getByRole('heading').textContent()).resolves.toBe(`Hello ${ADMIN_EMAIL}`);
      // No Content-Security-Policy violation on the way (a form-action block would show here).
      expect(blocked.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
