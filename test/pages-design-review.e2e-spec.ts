import { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, hasChromium, launchChromium } from './support/chromium.js';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';
import { accessibilityProblems } from './support/accessibility.js';
import { createClient } from './support/oauth.js';
import { createUser } from './support/principals.js';
import { createClientIn, createOrganization } from './support/tenants.js';

const browserTest = hasChromium ? it : it.skip;
if (!hasChromium) console.warn(`SKIPPED: the pages' browser tests need Debian's chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it.`);

const REDIRECT = 'https://app.example.com/callback';
const ALICE = { email: 'alice@acme.example', password: 'alice passphrase 123' };
const BOB = { email: 'bob@acme.example', password: 'bob passphrase 1234' };

/** The hidden fields of the form posting to `action` (hiddenFields reads every form of a page). */
function formFields(page: string, action: string): Record<string, string> {
  const form = new RegExp(`<form[^>]*action="${action.replace(/[/.?]/g, '\\$&')}"[^>]*>([\\s\\S]*?)</form>`).exec(page);
  if (!form) throw new Error(`no form posting to ${action}`);
  return hiddenFields(form[1]!);
}

/**
 * The design review of the server-rendered pages (issue 18): the sign-in page names who asks, a
 * failed sign-in puts the focus on the password, the consent page names the organization, the
 * destination and a way out for the wrong person, the account page speaks in words and confirms
 * before it revokes; all of it fits a 320 px screen and passes axe-core.
 */
describe('the sign-in, consent and account pages after the design review', () => {
  let gatehouse: TestApp;
  let acmeApp: string;
  const authorizeParams = () => ({ response_type: 'code', client_id: acmeApp, redirect_uri: REDIRECT, scope: 'openid email', state: 'xyz', code_challenge: pkce().challenge, code_challenge_method: 'S256' });

  beforeAll(async () => {
    gatehouse = await startApp();
    await createOrganization(gatehouse, { name: 'acme', display_name: 'Acme Corporation', oauth_enabled: true });
    acmeApp = (await createClientIn(gatehouse, 'acme', { name: 'Acme Dashboard', public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'email'] })).client_id;
    await createUser(gatehouse, ALICE, 'acme', 'member');
    await createUser(gatehouse, BOB, 'acme', 'member');
  });
  afterAll(() => gatehouse.close());

  describe('as HTML', () => {
    it('names the app and the organization asking on the sign-in page, and nothing for a plain sign-in', async () => {
      const browser = new Browser(gatehouse);
      const toSignIn = await browser.authorize(authorizeParams());
      expect(location(toSignIn).pathname).toBe('/oauth2/sign-in');
      const form = await browser.agent.get(toSignIn.headers.location!);
      expect(form.status).toBe(200);
      expect(form.text).toContain('<p>to continue to <strong>Acme Dashboard</strong>, an application of <strong>Acme Corporation</strong>.</p>');
      expect(form.text).toContain('<title>Sign in to continue to Acme Dashboard · Gatehouse</title>');

      const plain = await browser.agent.get('/oauth2/sign-in');
      expect(plain.text).not.toContain('to continue to');
      // A request the authorization endpoint would refuse names nobody (it explains itself after sign-in).
      const unknown = await browser.agent.get('/oauth2/sign-in').query({ return_to: `/oauth2/authorize?${new URLSearchParams({ ...authorizeParams(), client_id: 'no-such-client' })}` });
      expect(unknown.status).toBe(200);
      expect(unknown.text).not.toContain('to continue to');
      const wrongRedirect = await browser.agent.get('/oauth2/sign-in').query({ return_to: `/oauth2/authorize?${new URLSearchParams({ ...authorizeParams(), redirect_uri: 'https://evil.example/cb' })}` });
      expect(wrongRedirect.text).not.toContain('Acme Dashboard');
    });

    it('keeps the email after a wrong password and puts the focus on the password, described by the error', async () => {
      const browser = new Browser(gatehouse);
      const returnTo = location(await browser.authorize(authorizeParams())).searchParams.get('return_to')!;
      const failed = await browser.signIn(returnTo, ALICE.email, 'not the password');
      expect(failed.status).toBe(401);
      expect(failed.text).toContain('<p class="error" role="alert" id="sign-in-error">The email or password is incorrect.</p>');
      expect(failed.text).toContain(`<input id="email" name="email" type="email" autocomplete="username" required value="${ALICE.email}">`);
      expect(failed.text).toContain('<input id="password" name="password" type="password" autocomplete="current-password" required autofocus aria-invalid="true" aria-describedby="sign-in-error">');
      // Still names who asks.
      expect(failed.text).toContain('to continue to <strong>Acme Dashboard</strong>');
      // A fresh form focuses the email.
      const fresh = await browser.agent.get('/oauth2/sign-in');
      expect(fresh.text).toContain('required autofocus value="">');
    });

    it("shows the organization's display name, where the user is sent, the account page, and signs out a wrong user back to the same request", async () => {
      const browser = new Browser(gatehouse);
      const params = authorizeParams();
      const returnTo = location(await browser.authorize(params)).searchParams.get('return_to')!;
      expect((await browser.signIn(returnTo, ALICE.email, ALICE.password)).status).toBe(303);
      const consent = await browser.agent.get(returnTo);
      expect(consent.status).toBe(200);
      expect(consent.text).toContain('Acme Dashboard is an application of <strong>Acme Corporation</strong>.');
      expect(consent.text).not.toContain('(acme)');
      expect(consent.text).toContain('you will then be sent to <strong>https://app.example.com</strong>.');
      expect(consent.text).toContain('<a href="/oauth2/account">your account page</a>');
      expect(consent.text).toContain(`Signed in as <strong>${ALICE.email}</strong>.`);
      expect(consent.text).toContain('See your email address <span class="fine scope-code">(<code class="token">email</code>)</span>');

      // "Not you?": signs Alice out and starts again, for the same request, at the sign-in form.
      const notYou = formFields(consent.text, '/oauth2/sign-out');
      expect(notYou.return_to).toBe(returnTo);
      const signedOut = await browser.agent.post('/oauth2/sign-out').type('form').send(notYou);
      expect(signedOut.status).toBe(303);
      expect(location(signedOut).pathname).toBe('/oauth2/sign-in');
      expect(location(signedOut).searchParams.get('return_to')).toBe(returnTo);
      expect((await browser.agent.get('/oauth2/account')).status).toBe(302);
      const signInAgain = await browser.agent.get(signedOut.headers.location!);
      expect(signInAgain.text).toContain('to continue to <strong>Acme Dashboard</strong>');
      const asBob = await browser.agent.post('/oauth2/sign-in').type('form').send({ ...hiddenFields(signInAgain.text), ...BOB });
      expect(asBob.status).toBe(303);
      expect(asBob.headers.location).toBe(returnTo);
      const bobsConsent = await browser.agent.get(asBob.headers.location!);
      expect(bobsConsent.text).toContain(`Signed in as <strong>${BOB.email}</strong>.`);
      const back = await browser.agent.post('/oauth2/authorize').type('form').send({ ...formFields(bobsConsent.text, '/oauth2/authorize'), decision: 'allow' });
      expect(back.status).toBe(303);
      expect(location(back).searchParams.get('state')).toBe(params.state);

      // The sign-out's return_to is checked like the sign-in's: no open redirect, and CSRF still required.
      const csrf = hiddenFields((await browser.agent.get('/oauth2/account')).text).csrf_token;
      expect((await browser.agent.post('/oauth2/sign-out').type('form').send({ csrf_token: csrf, return_to: 'https://evil.example/' })).status).toBe(400);
      expect((await browser.agent.post('/oauth2/sign-out').type('form').send({ return_to: returnTo })).status).toBe(403);
    });

    it('tells apart two allowed apps of the same name', async () => {
      const twins = [
        (await createClient(gatehouse, { name: 'Twin', public: true, redirect_uris: ['https://one.example.com/cb'], scopes: ['openid', 'email'] })).client_id,
        (await createClient(gatehouse, { name: 'Twin', public: true, redirect_uris: ['https://two.example.net/cb'], scopes: ['openid'] })).client_id,
      ];
      const browser = new Browser(gatehouse);
      for (const [index, clientId] of twins.entries()) {
        const scope = index === 0 ? 'openid email' : 'openid';
        const back = await browser.authorizeAndDecide({ response_type: 'code', client_id: clientId, scope, code_challenge: pkce().challenge, code_challenge_method: 'S256' });
        expect(back.status).toBe(303);
      }
      const page = (await browser.agent.get('/oauth2/account')).text;
      const items = [...page.matchAll(/<li><strong>Twin<\/strong>\n<div class="fine">([^\n]*)<\/div>/g)].map((match) => match[1]!);
      expect(items).toHaveLength(2);
      expect(items.join('\n')).toContain('<code class="token">https://one.example.com</code>');
      expect(items.join('\n')).toContain('<code class="token">https://two.example.net</code>');
      for (const clientId of twins) expect(items.join('\n')).toContain(`client id ending <code class="token">…${clientId.slice(-8)}</code>`);
      expect(items.every((item) => / · allowed \d{4}-\d\d-\d\d \d\d:\d\d UTC$/.test(item))).toBe(true);
      // Each revoke button names which one.
      for (const clientId of twins) expect(page).toContain(`aria-label="Revoke access for Twin (client id ending ${clientId.slice(-8)})"`);
    });
  });

  describe('in Chromium', () => {
    let base = '';

    beforeAll(async () => {
      await gatehouse.app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(gatehouse.app.getHttpServer().address() as AddressInfo).port}`;
    });

    /** A page that records the Content-Security-Policy violations it reports. */
    async function openPage(context: BrowserContext): Promise<{ page: Page; cspErrors: string[] }> {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const cspErrors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && /Content Security Policy/i.test(message.text()) && cspErrors.push(message.text()));
      return { page, cspErrors };
    }

    /** Nothing wider than the screen, the card off the edges, and every scope code on one line. */
    function layoutAt320(page: Page): Promise<{ scrollWidth: number; left: number; right: number; brokenCodes: string[] }> {
      return page.evaluate(`(() => {
        const main = document.querySelector('main').getBoundingClientRect();
        const brokenCodes = [...document.querySelectorAll('code.token')]
          .filter((code) => code.getClientRects().length > 1 || code.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(code).lineHeight))
          .map((code) => code.textContent);
        return { scrollWidth: document.scrollingElement.scrollWidth, left: main.left, right: main.right, brokenCodes };
      })()`);
    }

    async function expectFits320(page: Page, what: string): Promise<void> {
      const measured = await layoutAt320(page);
      expect({ what, ...measured }).toEqual({ what, scrollWidth: expect.any(Number), left: expect.any(Number), right: expect.any(Number), brokenCodes: [] });
      expect(measured.scrollWidth).toBeLessThanOrEqual(320);
      expect(measured.left).toBeGreaterThanOrEqual(4);
      expect(measured.right).toBeLessThanOrEqual(316);
    }

    browserTest('puts the focus on the password after a wrong password, fits 320 px, and axe finds nothing serious on the sign-in and consent pages', async () => {
      const chromium = await launchChromium();
      try {
        const context = await chromium.newContext({ viewport: { width: 320, height: 640 } });
        const { page, cspErrors } = await openPage(context);
        await page.goto(`${base}/oauth2/authorize?${new URLSearchParams(authorizeParams())}`);
        await expect(page.getByText('to continue to Acme Dashboard, an application of Acme Corporation.').isVisible()).resolves.toBe(true);
        await expect(page.evaluate('document.activeElement?.id')).resolves.toBe('email');
        await expectFits320(page, 'sign-in');
        expect(await accessibilityProblems(page)).toEqual([]);

        await page.getByLabel('Email').fill(ALICE.email);
        await page.getByLabel('Password').fill('not the password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await expect(page.getByRole('alert').textContent()).resolves.toBe('The email or password is incorrect.');
        // The email stays, the focus is on the (empty) password, which the error describes.
        await expect(page.evaluate('document.activeElement?.id')).resolves.toBe('password');
        await expect(page.getByLabel('Email').inputValue()).resolves.toBe(ALICE.email);
        await expect(page.getByRole('textbox', { name: 'Password' }).or(page.getByLabel('Password')).first().getAttribute('aria-describedby')).resolves.toBe('sign-in-error');
        await expectFits320(page, 'sign-in after a failure');
        expect(await accessibilityProblems(page)).toEqual([]);
        // Typing goes straight into the password.
        await page.keyboard.type(ALICE.password);
        await page.keyboard.press('Enter');

        await page.getByRole('heading', { name: 'Acme Dashboard wants to access your account' }).waitFor();
        await expectFits320(page, 'consent');
        expect(await accessibilityProblems(page)).toEqual([]);
        // And in dark mode.
        await page.emulateMedia({ colorScheme: 'dark' });
        expect(await accessibilityProblems(page)).toEqual([]);
        await page.emulateMedia({ colorScheme: 'light' });
        // Visible focus: the keyboard's focus ring is drawn.
        await page.getByRole('button', { name: 'Allow' }).focus();
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Tab');
        await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe('Allow');
        await expect(page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).resolves.toBe('solid');
        expect(cspErrors).toEqual([]);
      } finally {
        await chromium.close();
      }
    }, 60_000);

    browserTest('the account page: fits 320 px, passes axe, confirms a revoke, and copies a new token shown in a neutral box', async () => {
      const chromium = await launchChromium();
      try {
        const context = await chromium.newContext({ viewport: { width: 320, height: 640 } });
        await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
        const { page, cspErrors } = await openPage(context);
        // A plain sign-in leads to the account page (the administrator allowed the two Twin apps above).
        await page.goto(`${base}/oauth2/sign-in`);
        await page.getByLabel('Email').fill(ADMIN_EMAIL);
        await page.getByLabel('Password').fill(ADMIN_PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Your account' }).waitFor();
        await expectFits320(page, 'account');
        expect(await accessibilityProblems(page)).toEqual([]);

        await page.getByLabel('Token name').fill('laptop');
        await page.getByLabel('Expires in (days, at most 366)').fill('12');
        // No scope ticked (the one thing the browser does not check itself): the reason, and the form as it was.
        await page.getByRole('button', { name: 'Create token' }).click();
        await expect(page.getByRole('alert').textContent()).resolves.toBe('Pick at least one scope.');
        await expect(page.getByLabel('Token name').inputValue()).resolves.toBe('laptop');
        await expect(page.getByLabel('Expires in (days, at most 366)').inputValue()).resolves.toBe('12');
        await expect(page.getByRole('group', { name: 'Scopes' }).getAttribute('aria-describedby')).resolves.toBe('token-error');
        await expectFits320(page, 'account with an error');
        expect(await accessibilityProblems(page)).toEqual([]);
        await page.getByRole('checkbox', { name: /List OAuth clients and read their settings and scopes/ }).check();
        await page.getByRole('button', { name: 'Create token' }).click();
        const box = page.locator('section.notice');
        await box.waitFor();
        await expect(page.locator('.error').count()).resolves.toBe(0);
        const token = await page.getByLabel('Your new token').inputValue();
        expect(token).toMatch(/^gat_pat_[\w-]{43}$/);
        await page.getByRole('button', { name: 'Copy' }).click();
        await page.waitForFunction("document.getElementById('copy-status').textContent !== ''");
        await expect(page.locator('#copy-status').textContent()).resolves.toBe('Copied to the clipboard.');
        await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(token);
        await expectFits320(page, 'account with a new token');
        expect(await accessibilityProblems(page)).toEqual([]);

        // Revoking asks first, on a page of its own that needs no script.
        await page.getByRole('button', { name: 'Revoke token laptop' }).click();
        await page.getByRole('heading', { name: 'Revoke the token “laptop”?' }).waitFor();
        await expectFits320(page, 'revoke confirmation');
        expect(await accessibilityProblems(page)).toEqual([]);
        await page.getByRole('link', { name: 'Cancel and go back to your account' }).click();
        await page.getByRole('button', { name: 'Revoke token laptop' }).waitFor();
        await page.getByRole('button', { name: 'Revoke token laptop' }).click();
        await page.getByRole('button', { name: 'Revoke the token' }).click();
        await page.getByRole('heading', { name: 'Your account' }).waitFor();
        await expect(page.getByRole('button', { name: 'Revoke token laptop' }).count()).resolves.toBe(0);
        expect(cspErrors).toEqual([]);
      } finally {
        await chromium.close();
      }
    }, 60_000);

    browserTest('without JavaScript the new token is still shown, selectable, with no dead copy button', async () => {
      const chromium = await launchChromium();
      try {
        const context = await chromium.newContext({ viewport: { width: 320, height: 640 }, javaScriptEnabled: false });
        const { page } = await openPage(context);
        await page.goto(`${base}/oauth2/sign-in`);
        await page.getByLabel('Email').fill(ADMIN_EMAIL);
        await page.getByLabel('Password').fill(ADMIN_PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('heading', { name: 'Your account' }).waitFor();
        await page.getByLabel('Token name').fill('no script');
        await page.getByRole('checkbox', { name: /List OAuth clients and read their settings and scopes/ }).check();
        await page.getByRole('button', { name: 'Create token' }).click();
        await expect(page.getByLabel('Your new token').inputValue()).resolves.toMatch(/^gat_pat_/);
        await expect(page.getByRole('button', { name: 'Copy' }).isVisible()).resolves.toBe(false);
      } finally {
        await chromium.close();
      }
    }, 60_000);
  });
});
