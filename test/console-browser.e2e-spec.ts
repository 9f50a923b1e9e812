import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser } from 'playwright-core';
import { accessibilityProblems, setColorScheme } from './support/accessibility.js';
import { CHROMIUM, hasChromium, startConsoleRig, stopConsoleRig } from './support/chromium.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD } from './support/test-app.js';
import { tokenFor } from './support/oauth.js';
import { CONSOLE_BUILD_DIR } from '../src/console/console-files.js';
import { CONSOLE_CLIENT_ID } from '../src/clients/console-client.js';

const browserTest = hasChromium ? it : it.skip;
if (!hasChromium) console.warn(`SKIPPED: the console browser tests need Debian's chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it.`);

/** The console's first load may weigh at most this much JavaScript, gzipped (README, "Console"). */
const FIRST_LOAD_BUDGET_BYTES = 300 * 1024;

describe('the admin console at /console', () => {
  let gatehouse: TestApp;
  let issuer: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ({ gatehouse, issuer, browser } = await startConsoleRig());
  });
  afterAll(() => stopConsoleRig({ gatehouse, browser }));

  it('serves index.html uncached and hashed assets for a year, every one under a CSP with no inline script or style', async () => {
    const index = await gatehouse.http().get('/console');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    const csp = index.headers['content-security-policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(index.headers['x-content-type-options']).toBe('nosniff');

    // A client route is the app too (the router takes it from there).
    const route = await gatehouse.http().get('/console/clients/some-client');
    expect(route.status).toBe(200);
    expect(route.text).toBe(index.text);

    const assets = [...index.text.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets.some((path) => path.endsWith('.js'))).toBe(true);
    expect(assets.some((path) => path.endsWith('.css'))).toBe(true);
    for (const path of assets) {
      const asset = await gatehouse.http().get(path);
      expect(asset.status).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(asset.headers['content-type']).toMatch(path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(asset.headers['content-security-policy']).toBe(csp);
    }
    // A missing asset is a 404, never the app in its place; nor can a path leave the build.
    expect((await gatehouse.http().get('/console/assets/gone-123.js')).status).toBe(404);
    expect((await gatehouse.http().get('/console/..%2Fpackage.json')).status).toBe(404);
    expect((await gatehouse.http().get('/console/assets/../../package.json')).status).toBe(404);
  });

  it(`weighs under ${FIRST_LOAD_BUDGET_BYTES / 1024} KB of JavaScript gzipped on first load`, async () => {
    const index = (await gatehouse.http().get('/console')).text;
    const scripts = [...index.matchAll(/<script[^>]+src="\/console\/(assets\/[^"]+\.js)"/g), ...index.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/console\/(assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((total, path) => total + gzipSync(readFileSync(join(CONSOLE_BUILD_DIR, path))).length, 0);
    console.log(`console first load: ${(gzipped / 1024).toFixed(1)} KB of JavaScript gzipped (${readdirSync(join(CONSOLE_BUILD_DIR, 'assets')).length} asset files)`);
    expect(gzipped).toBeLessThan(FIRST_LOAD_BUDGET_BYTES);
  });

  it('is registered as a public client of the built-in organization that the API cannot change or delete', async () => {
    const token = await tokenFor(gatehouse, { client_id: 'test-root', client_secret: 'test-root-secret-0123456789abcdefghijklmnopqrstuvwxyz' });
    const read = await gatehouse.http().get(`/api/v1/oauth/client/${CONSOLE_CLIENT_ID}`).set('Authorization', `Bearer ${token}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ public: true, redirect_uris: [`${issuer}/console/callback`], post_logout_redirect_uris: [`${issuer}/console`], permissions: [] });
    const update = await gatehouse.http().put(`/api/v1/oauth/client/${CONSOLE_CLIENT_ID}`).set('Authorization', `Bearer ${token}`).send({ redirect_uris: ['https://evil.example/callback'] });
    expect(update.status).toBe(403);
    expect((await gatehouse.http().delete(`/api/v1/oauth/client/${CONSOLE_CLIENT_ID}`).set('Authorization', `Bearer ${token}`)).status).toBe(403);
  });

  browserTest('walks the OAuth clients flows as the administrator, with no CSP violation and no serious accessibility finding, light and dark', async () => {
    const context = await browser!.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(String(error)));
    const a11y: string[] = [];
    const audit = async (where: string) => {
      const chosen = await page.locator('html').getAttribute('data-mantine-color-scheme');
      for (const scheme of ['light', 'dark'] as const) {
        // What the toggle does (Mantine's styles hang on this attribute), without closing an open dialog to reach it.
        await page.evaluate(setColorScheme, scheme);
        a11y.push(...(await accessibilityProblems(page)).map((problem) => `${where}, ${scheme}: ${problem}`));
      }
      await page.evaluate(setColorScheme, chosen!);
    };

    try {
      // Sign in through Gatehouse's own page; no consent screen for the console.
      await page.goto(`${issuer}/console`);
      await page.waitForURL(/\/oauth2\/sign-in/);
      await page.getByLabel('Email').fill(ADMIN_EMAIL);
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${issuer}/console/clients`);
      await page.getByRole('heading', { name: 'OAuth clients' }).waitFor();
      await expect(page.getByText(ADMIN_EMAIL).isVisible()).resolves.toBe(true);
      await audit('OAuth clients');

      // The light/dark toggle.
      await page.getByRole('button', { name: 'Switch to dark mode' }).click();
      await expect(page.locator('html').getAttribute('data-mantine-color-scheme')).resolves.toBe('dark');
      await page.getByRole('button', { name: 'Switch to light mode' }).click();

      // Create: the form checks before sending, and keeps what was typed.
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Create OAuth client' });
      await dialog.getByLabel('Description').fill('Exports policies nightly');
      await dialog.getByLabel('Redirect URIs').fill('ftp://nowhere');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('Name the client').waitFor();
      await dialog.getByText('ftp://nowhere must use https').waitFor();
      await expect(dialog.getByLabel('Description').inputValue()).resolves.toBe('Exports policies nightly');
      await audit('Create dialog');
      await dialog.getByLabel(/^Name/).fill('Nightly export');
      await dialog.getByLabel('Redirect URIs').fill('');
      await dialog.getByLabel('Access Token Lifespan (seconds)').fill('600');
      await dialog.getByRole('button', { name: 'Save' }).click();

      // The secret, once.
      const secretDialog = page.getByRole('dialog', { name: 'Client secret' });
      await secretDialog.getByText('You will not see it again').waitFor();
      const clientId = (await secretDialog.getByTestId('client-id').textContent())!;
      const secret = (await secretDialog.getByTestId('client-secret').textContent())!;
      expect(secret.length).toBeGreaterThan(20);
      await audit('Secret dialog');
      await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
      await page.waitForURL(`${issuer}/console/clients/${clientId}`);
      await page.getByRole('heading', { name: 'Nightly export' }).waitFor();

      // The secret works at the token endpoint.
      const token = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
      expect(token.status).toBe(200);
      expect(token.body.expires_in).toBe(600);

      // Details, then Client Permissions: pick one, "Add selected".
      await audit('Client details');
      await page.getByRole('tab', { name: 'Client Permissions' }).click();
      await page.getByRole('checkbox', { name: /administer-clients/ }).check();
      await page.getByRole('button', { name: 'Add selected' }).click();
      await page.getByRole('button', { name: 'Remove administer-clients' }).waitFor();
      await audit('Client Permissions');
      const withPermission = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'client:read' });
      expect(withPermission.status).toBe(200);

      // Credentials: regenerate, revoking the tokens issued so far; the old secret is refused.
      await page.getByRole('tab', { name: 'Credentials' }).click();
      await page.getByRole('button', { name: 'Regenerate secret' }).click();
      const regenerate = page.getByRole('dialog', { name: 'Regenerate secret' });
      await expect(regenerate.getByRole('checkbox', { name: 'Also revoke the tokens issued until now' }).isChecked()).resolves.toBe(true);
      await audit('Regenerate dialog');
      await regenerate.getByRole('button', { name: 'Regenerate' }).click();
      const newSecret = (await page.getByRole('dialog', { name: 'Client secret' }).getByTestId('client-secret').textContent())!;
      expect(newSecret).not.toBe(secret);
      await page.getByRole('button', { name: 'I have copied it' }).click();
      const old = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
      expect(old.status).toBe(401);
      const introspected = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: newSecret });
      expect(introspected.status).toBe(200);

      // Tokens: "Download Token" saves a fresh token as a file, and shows it with a copy button.
      await page.getByRole('tab', { name: 'Tokens' }).click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download Token' }).click()]);
      expect(download.suggestedFilename()).toBe(`${clientId}-token.txt`);
      const downloaded = readFileSync((await download.path())!, 'utf8');
      await expect(page.getByTestId('issued-token').inputValue()).resolves.toBe(downloaded);
      await page.getByRole('button', { name: 'Copy access token' }).waitFor();
      const whoAmI = await gatehouse.http().get(`/api/v1/oauth/client/${clientId}`).set('Authorization', `Bearer ${downloaded}`);
      expect(whoAmI.status).toBe(200);
      await audit('Tokens');

      // Disable, enable, disable again: the API says so.
      await page.getByRole('button', { name: 'Disable' }).click();
      await page.getByRole('button', { name: 'Enable' }).waitFor();
      const disabled = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: newSecret });
      expect(disabled.status).toBe(401);
      await page.getByRole('button', { name: 'Enable' }).click();
      await page.getByRole('button', { name: 'Disable' }).waitFor();

      // The list finds it by search, and sorts by name.
      await page.getByRole('link', { name: 'OAuth clients' }).first().click();
      await page.getByLabel('Search').fill('nightly');
      await page.getByRole('link', { name: 'Nightly export' }).waitFor();
      await page.getByLabel('Search').fill('no such client');
      await page.getByText('No client matches').waitFor();
      await page.getByLabel('Search').fill('');
      await page.getByRole('button', { name: 'Name', exact: true }).click();
      await expect(page.getByRole('columnheader', { name: /^Name/ }).getAttribute('aria-sort')).resolves.toBe('ascending');

      // Delete, with a confirmation naming the client.
      await page.getByRole('link', { name: 'Nightly export' }).click();
      await page.getByRole('button', { name: 'Delete' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete client' });
      await confirm.getByText(clientId).waitFor();
      await audit('Delete dialog');
      await confirm.getByRole('button', { name: 'Delete Nightly export' }).click();
      await page.waitForURL(`${issuer}/console/clients`);
      const gone = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: clientId, client_secret: newSecret });
      expect(gone.status).toBe(401);

      // Sign out through the end-session endpoint, back to the console, signed out of Gatehouse.
      // The console sends its ID token as id_token_hint, so the end-session endpoint signs out at once
      // (a redirect), never through the confirmation page it shows when the hint is missing.
      const logout = page.waitForResponse((response) => new URL(response.url()).pathname === '/oauth2/logout');
      await page.getByRole('button', { name: 'Sign out' }).click();
      expect((await logout).status()).toBe(302);
      await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/oauth2\/sign-in/);

      expect(a11y).toEqual([]);
      expect(errors.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
