#!/usr/bin/env node
/**
 * npm run screenshots: PNGs of every console page, light and dark, for the README.
 *
 * Builds nothing: it runs the current build (`npm run build` first) on a scratch SQLite database,
 * fills it with a few clients, a role that may rotate keys and an allowed app through the public
 * API, signs in through Chromium (Debian's, as the browser tests use) and photographs each page
 * the console's navigation lists, plus a client's page. Writes docs/screenshots/<page>-<scheme>.png.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const MAIN = resolve('dist/main.js');
const CONSOLE_BUILD = resolve('dist/console-app/index.html');
const OUT = resolve('docs/screenshots');
const CHROMIUM = '/usr/bin/chromium';
const ADMIN = { email: 'admin@example.com', password: 'screenshot admin passphrase' };
const ROOT = { client_id: 'screenshots-root', client_secret: 'screenshots-root-secret-0123456789abcdefghijklmnop' };
const APP_REDIRECT = 'https://dashboard.example.com/callback';
const VIEWPORT = { width: 1200, height: 760 };

for (const [path, what] of [[MAIN, 'the server'], [CONSOLE_BUILD, 'the console']]) {
  if (!existsSync(path)) fail(`${path} is missing: run npm run build first (this script builds nothing), for ${what}`);
}
if (!existsSync(CHROMIUM)) fail(`Chromium is missing at ${CHROMIUM} (apt-get install chromium)`);

function fail(message) {
  console.error(`screenshots: ${message}`);
  process.exit(1);
}

const freePort = () =>
  new Promise((done, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

const scratch = mkdtempSync(join(tmpdir(), 'gatehouse-screenshots-'));
const port = await freePort();
const issuer = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, [MAIN], {
  env: {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    PUBLIC_URL: issuer,
    DATABASE_URL: `sqlite:${join(scratch, 'gatehouse.sqlite')}`,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    OAUTH_ROOT_CLIENT_ID: ROOT.client_id,
    OAUTH_ROOT_CLIENT_SECRET: ROOT.client_secret,
    SHUTDOWN_GRACE_SECONDS: '0',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
server.stdout.on('data', (chunk) => (output += chunk));
server.stderr.on('data', (chunk) => (output += chunk));
const exited = new Promise((done) => server.on('exit', done));

let browser;
try {
  await new Promise((done, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s:\n${output}`)), 30_000);
    server.stdout.on('data', () => /Gatehouse listening on port/.test(output) && (clearTimeout(timer), done()));
    void exited.then((code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
  const dashboardId = await seed();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(OUT, { recursive: true });
  const written = await photograph(browser, dashboardId);
  console.log(`screenshots: wrote ${written.length} files to ${OUT}`);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  await exited;
  rmSync(scratch, { recursive: true, force: true });
}

async function call(method, path, token, body) {
  const response = await fetch(`${issuer}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Something to show: clients, projects, users, a second organization (the administrator, a platform
 * administrator, sees every one, with Create and Delete), and a little audit trail.
 */
async function seed() {
  const tokenResponse = await fetch(`${issuer}/api/v1/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', ...ROOT }) });
  const root = (await tokenResponse.json()).access_token;
  await call('POST', '/api/v1/organizations', root, { name: 'acme', display_name: 'ACME Corporation', oauth_enabled: true });
  const clients = [
    { name: 'Nightly export', description: 'Exports policies to the data lake every night', scopes: [], permissions: ['administer-clients'], access_token_lifespan: 600 },
    { name: 'Billing service', description: 'Reads organizations for invoicing', scopes: ['organization:read'] },
    { name: 'Acme dashboard', description: 'The customer dashboard (a browser app)', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'profile', 'email'] },
    { name: 'Deploy bot', description: 'Registers preview apps from CI', scopes: ['client:create', 'client:read'] },
  ];
  const ids = [];
  for (const client of clients) ids.push((await call('POST', '/api/v1/oauth/client', root, client)).client_id);
  for (const name of ['Analytics', 'Mobile app']) await call('POST', '/api/v1/organizations/default/projects', root, { name });
  await call('POST', '/api/v1/users', root, { email: 'dana@example.com', name: 'Dana Scully', password: 'dana screenshot passphrase', organization: 'default', role: 'administer-clients' });
  await call('POST', '/api/v1/users', root, { email: 'fox@example.com', name: 'Fox Mulder', password: 'fox screenshot passphrase', organization: 'default', role: 'member' });
  await call('POST', '/api/v1/oauth/keys/rotate?alg=ES256', root);
  return ids[2];
}

async function photograph(browser, dashboardId) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // The dashboard app lives nowhere: its callback answers here, after the user allowed it.
  await context.route(`${APP_REDIRECT}**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'Signed in to Acme dashboard' }));

  await page.goto(`${issuer}/console`);
  await page.waitForURL(/\/oauth2\/sign-in/);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/console\/clients$/);

  // The administrator allows the dashboard app, so that "Apps you allowed" lists something.
  const authorize = new URL(`${issuer}/oauth2/authorize`);
  authorize.search = new URLSearchParams({ response_type: 'code', client_id: dashboardId, redirect_uri: APP_REDIRECT, scope: 'openid profile email', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', state: 'screenshots' }).toString();
  await page.goto(authorize.href);
  await page.getByRole('button', { name: 'Allow', exact: true }).click();
  await page.waitForURL(`${APP_REDIRECT}**`);
  await page.goto(`${issuer}/console`);
  await page.waitForURL(/\/oauth2\/sign-in|\/console\/clients$/);
  await page.waitForURL(/\/console\/clients$/);
  await page.getByRole('heading', { name: 'OAuth clients' }).waitFor();

  const links = await page.locator('nav[aria-label="Console"] a').evaluateAll((anchors) => anchors.map((anchor) => ({ href: anchor.getAttribute('href'), label: anchor.textContent })));
  const shots = links.map(({ href, label }) => ({ name: href.replace(/^\/console\//, '').replace(/\W+/g, '-'), open: () => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label, exact: true }).click(), ready: () => page.getByRole('heading', { level: 1 }).waitFor() }));
  shots.splice(1, 0, {
    name: 'client',
    open: async () => {
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'OAuth clients', exact: true }).click();
      await page.getByRole('link', { name: 'Nightly export' }).click();
    },
    ready: () => page.getByRole('heading', { name: 'Nightly export' }).waitFor(),
  });

  const written = [];
  for (const shot of shots) {
    await shot.open();
    await shot.ready();
    // Settled: no query in flight, and the pointer off the navigation.
    await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
    // Polled from here: a predicate run in the page would be an eval, which the console's CSP refuses.
    for (let tries = 0; tries < 100 && (await page.locator('[aria-busy="true"]').count()) > 0; tries++) await page.waitForTimeout(100);
    for (const scheme of ['light', 'dark']) {
      // Through the console's own toggle, so that it shows the scheme it is in.
      const toggle = page.getByRole('button', { name: `Switch to ${scheme} mode` });
      if (await toggle.isVisible()) await toggle.click();
      await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5);
      const file = join(OUT, `${shot.name}-${scheme}.png`);
      await page.screenshot({ path: file });
      written.push(file);
    }
  }
  await context.close();
  return written;
}
