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

/**
 * The CSRF token of a form is bound to the browser it was made for: to its session once signed in,
 * before that to a random pre-session id in the CSRF cookie. A cookie planted from a sibling
 * subdomain, or a token taken from another session, is refused.
 */
describe('CSRF tokens bound to the browser session', () => {
  const cookiesOf = (response: { headers: Record<string, unknown> }): Record<string, string> =>
    Object.fromEntries([response.headers['set-cookie'] ?? []].flat().map((line) => /^([^=]+)=([^;]*)/.exec(String(line))!.slice(1, 3) as [string, string]));
  const header = (cookies: Record<string, string>) => Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; ');
  const csrfField = (page: string) => /name="csrf_token" value="([^"]+)"/.exec(page)![1]!;

  /** Signs in as a browser would; answers the browser's cookies and the CSRF token of its account page. */
  async function signedInBrowser(gatehouse: TestApp, prefix = '') {
    const form = await gatehouse.http().get('/oauth2/sign-in').expect(200);
    const cookies = cookiesOf(form);
    expect(Object.keys(cookies)).toEqual([`${prefix}gatehouse_csrf`]);
    const signedIn = await gatehouse.http().post('/oauth2/sign-in').set('Cookie', header(cookies)).type('form').send({ csrf_token: csrfField(form.text), email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    expect(signedIn.status).toBe(303);
    Object.assign(cookies, cookiesOf(signedIn));
    const account = await gatehouse.http().get('/oauth2/account').set('Cookie', header(cookies)).expect(200);
    return { cookies, csrf: csrfField(account.text) };
  }
  const signOut = (gatehouse: TestApp, cookies: Record<string, string>, csrf: string) => gatehouse.http().post('/oauth2/sign-out').set('Cookie', header(cookies)).type('form').send({ csrf_token: csrf });

  describe('over http', () => {
    let gatehouse: TestApp;
    beforeAll(async () => {
      gatehouse = await startApp();
    });
    afterAll(() => gatehouse.close());

    it('refuses a CSRF cookie and token planted from another session, and accepts the browser its own', async () => {
      const victim = await signedInBrowser(gatehouse);
      const attacker = await signedInBrowser(gatehouse);
      // The attacker plants their own CSRF cookie in the victim's browser and posts their own token with it.
      const planted = await signOut(gatehouse, { ...victim.cookies, gatehouse_csrf: attacker.cookies.gatehouse_csrf! }, attacker.csrf);
      expect(planted.status).toBe(403);
      expect(planted.text).toContain('The form expired');
      // The victim's own cookie with a token from the other session is refused too.
      expect((await signOut(gatehouse, victim.cookies, attacker.csrf)).status).toBe(403);
      // The form's token is not the cookie's value: a value read from the cookie alone is no token.
      expect(victim.csrf).not.toBe(victim.cookies.gatehouse_csrf);
      expect((await signOut(gatehouse, victim.cookies, victim.cookies.gatehouse_csrf!)).status).toBe(403);
      expect((await signOut(gatehouse, victim.cookies, victim.csrf)).status).toBe(200);
    });

    it('binds the sign-in form to the pre-session id: another browser cookie is refused', async () => {
      const first = await gatehouse.http().get('/oauth2/sign-in').expect(200);
      const second = await gatehouse.http().get('/oauth2/sign-in').expect(200);
      const attempt = (cookies: Record<string, string>, csrf: string) => gatehouse.http().post('/oauth2/sign-in').set('Cookie', header(cookies)).type('form').send({ csrf_token: csrf, email: ADMIN_EMAIL, password: 'a wrong password' });
      expect((await attempt(cookiesOf(second), csrfField(first.text))).status).toBe(403);
      expect((await attempt(cookiesOf(first), csrfField(first.text))).status).toBe(401);
    });
  });

  describe('over https', () => {
    let gatehouse: TestApp;
    beforeAll(async () => {
      gatehouse = await startApp({ env: { PUBLIC_URL: 'https://auth.example.com' } });
    });
    afterAll(() => gatehouse.close());

    it('names the cookies __Host-: Secure, Path=/, no Domain', async () => {
      const form = await gatehouse.http().get('/oauth2/sign-in').expect(200);
      expect([form.headers['set-cookie']].flat()).toEqual([expect.stringMatching(/^__Host-gatehouse_csrf=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/)]);
      const signedIn = await gatehouse.http().post('/oauth2/sign-in').set('Cookie', header(cookiesOf(form))).type('form').send({ csrf_token: csrfField(form.text), email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
      expect(signedIn.status).toBe(303);
      expect([signedIn.headers['set-cookie']].flat()).toEqual([expect.stringMatching(/^__Host-gatehouse_session=[\w-]{43}; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/)]);
    });

    it('reads only the __Host- cookies, which a sibling subdomain cannot set', async () => {
      const { cookies, csrf } = await signedInBrowser(gatehouse, '__Host-');
      const unprefixed = { gatehouse_csrf: cookies['__Host-gatehouse_csrf']!, gatehouse_session: cookies['__Host-gatehouse_session']! };
      expect((await signOut(gatehouse, unprefixed, csrf)).status).toBe(403);
      expect((await signOut(gatehouse, cookies, csrf)).status).toBe(200);
    });
  });
});
