import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { accessibilityProblems, setColorScheme } from './support/accessibility.js';
import { CHROMIUM, hasChromium, startConsoleRig, stopConsoleRig } from './support/chromium.js';
import { type TestApp } from './support/test-app.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { APP_REDIRECT, createUser, type Person, userTokens } from './support/principals.js';
import { createClientIn, createOrganization, realmToken } from './support/tenants.js';

const browserTest = hasChromium ? it : it.skip;
if (!hasChromium) console.warn(`SKIPPED: the console browser tests need Debian's chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it.`);


/** Events the audit page asks for at a time (console/src/pages/AuditLogPage.tsx). */
const AUDIT_PAGE_SIZE = 25;

/**
 * The console's audit log, signing keys and user settings pages, walked in Chromium by a user of
 * the built-in organization whose role (defined by the root client) reads the audit trail and
 * rotates keys, and by a plain member, who sees neither.
 */
describe('the console: audit log, signing keys and user settings', () => {
  let gatehouse: TestApp;
  let issuer: string;
  let browser: Browser | undefined;
  let root: string;
  const keeper: Person = { email: 'keeper@example.com', password: 'keeper passphrase' };
  const member: Person = { email: 'member@example.com', password: 'member passphrase' };
  const created: string[] = [];
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    ({ gatehouse, issuer, browser } = await startConsoleRig());
    root = await tokenFor(gatehouse, ROOT);
    const role = await gatehouse.http().post('/api/v1/oauth/role').set(bearer(root)).send({ name: 'keeper', organization: 'default', scopes: ['audit:read', 'key:read', 'key:rotate', 'client:read', 'scope:read'] });
    expect(role.status).toBe(201);
    await createUser(gatehouse, keeper, 'default', 'keeper');
    await createUser(gatehouse, member, 'default', 'member');
    // More events than a page of the audit log holds.
    for (let n = 0; n < AUDIT_PAGE_SIZE + 5; n++) created.push((await createClient(gatehouse, { name: `Batch ${n}`, scopes: [] })).client_id);
  });
  afterAll(() => stopConsoleRig({ gatehouse, browser }));

  /** A fresh browser context signed in to the console as `person`, collecting console errors and accessibility findings. */
  async function signedIn(person: Person): Promise<{ context: BrowserContext; page: Page; errors: string[]; a11y: string[]; audit: (where: string) => Promise<void> }> {
    const context = await browser!.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(String(error)));
    const a11y: string[] = [];
    const audit = async (where: string) => {
      const chosen = await page.locator('html').getAttribute('data-mantine-color-scheme');
      for (const scheme of ['light', 'dark'] as const) {
        await page.evaluate(setColorScheme, scheme);
        a11y.push(...(await accessibilityProblems(page)).map((problem) => `${where}, ${scheme}: ${problem}`));
      }
      await page.evaluate(setColorScheme, chosen!);
    };
    await page.goto(`${issuer}/console`);
    await page.waitForURL(/\/oauth2\/sign-in/);
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(new RegExp(`^${issuer}/console(/clients)?$`));
    return { context, page, errors, a11y, audit };
  }

  const rows = (page: Page, testId: string) => page.getByTestId(testId).count();
  async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
    for (let tries = 0; tries < 100; tries++) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  browserTest('reads the audit trail with filters and scrolls to older events; rotates a key; manages personal tokens and allowed apps', async () => {
    // An app the keeper allowed, with a refresh token the console's revoke must end.
    const dashboard = (await createClient(gatehouse, { name: 'Dashboard', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'email'] })).client_id;
    const allowed = await userTokens(gatehouse, { clientId: dashboard, scope: 'openid email', person: keeper });
    const { context, page, errors, a11y, audit } = await signedIn(keeper);
    try {
      // Audit log: a page of events, then the next one when the end of the list scrolls into view.
      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('heading', { name: 'Audit log' }).waitFor();
      await until(async () => (await rows(page, 'audit-event')) === AUDIT_PAGE_SIZE, 'the first page of events');
      await audit('Audit log');
      await page.getByRole('button', { name: 'Load older events' }).scrollIntoViewIfNeeded();
      await until(async () => (await rows(page, 'audit-event')) > AUDIT_PAGE_SIZE, 'the next page on scrolling');

      // Filters: the form checks before sending, and keeps what was typed.
      await page.getByLabel('Action').fill('created');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByText('An action looks like client.created').waitFor();
      await page.getByLabel('Action').fill('client.created');
      await page.getByLabel('Actor').fill(ROOT.client_id);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await until(async () => (await page.getByTestId('audit-event').filter({ hasNotText: 'client.created' }).count()) === 0 && (await rows(page, 'audit-event')) === AUDIT_PAGE_SIZE, 'client.created events only');
      await page.getByLabel('Target').fill(created[3]!);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await until(async () => (await rows(page, 'audit-event')) === 1, 'the one event about that client');
      await expect(page.getByTestId('audit-event').textContent()).resolves.toContain(created[3]);
      await page.getByText('The one matching event is listed.').waitFor();
      // A time range: nothing has happened since tomorrow.
      await page.getByRole('button', { name: 'Clear filters' }).click();
      const tomorrow = new Date(Date.now() + 86_400_000);
      const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      await page.getByLabel('Since').fill(local);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByText('No event matches these filters.').waitFor();
      await expect(page.getByLabel('Since').inputValue()).resolves.toBe(local);
      await audit('Audit log, filtered');

      // Signing keys: rotate one algorithm's key, with a confirmation; the new key is listed, active.
      await page.getByRole('link', { name: 'Signing keys' }).click();
      await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
      await until(async () => (await rows(page, 'signing-key')) > 0, 'the keys');
      const before = (await (await gatehouse.http().get('/api/v1/oauth/keys').set(bearer(root))).body) as { kid: string; alg: string; status: string }[];
      await audit('Signing keys');
      await page.getByRole('button', { name: 'Rotate ES256 key' }).click();
      const confirm = page.getByRole('dialog', { name: 'Rotate signing key' });
      await audit('Rotate dialog');
      await confirm.getByRole('button', { name: 'Rotate ES256 key now' }).click();
      await page.getByText('Key rotated').waitFor();
      const after = (await gatehouse.http().get('/api/v1/oauth/keys').set(bearer(root))).body as { kid: string; alg: string; status: string }[];
      const fresh = after.find((key) => !before.some((old) => old.kid === key.kid))!;
      expect(fresh).toMatchObject({ alg: 'ES256', status: 'active' });
      await page.getByTestId('signing-key').filter({ hasText: fresh.kid }).filter({ hasText: 'Active' }).waitFor();
      const retired = before.find((key) => key.alg === 'ES256' && key.status === 'active')!;
      await page.getByTestId('signing-key').filter({ hasText: retired.kid }).filter({ hasText: 'Retired' }).waitFor();

      // Settings: a personal access token with a picked scope, shown once, that works, then revoked and refused.
      await page.getByRole('link', { name: 'Your settings' }).click();
      await page.getByRole('heading', { name: 'Your settings' }).waitFor();
      await page.getByRole('row', { name: /Dashboard/ }).waitFor();
      await audit('Your settings');
      await page.getByRole('button', { name: 'Create token' }).click();
      const create = page.getByRole('dialog', { name: 'Create personal access token' });
      // The picker offers what the role gives (and never token:personal nor the identity scopes).
      await create.getByRole('checkbox', { name: 'key:rotate' }).waitFor();
      await expect(create.getByRole('checkbox', { name: 'token:personal' }).count()).resolves.toBe(0);
      await expect(create.getByRole('checkbox', { name: 'openid' }).count()).resolves.toBe(0);
      await expect(create.getByRole('checkbox', { name: 'client:create' }).count()).resolves.toBe(0);
      await create.getByRole('button', { name: 'Create' }).click();
      await create.getByText('Name the token').waitFor();
      await create.getByLabel(/^Name/).fill('CI reader');
      await create.getByRole('checkbox', { name: 'client:read' }).check();
      await audit('Create token dialog');
      await create.getByRole('button', { name: 'Create' }).click();
      const shown = page.getByRole('dialog', { name: 'Your new token' });
      const pat = (await shown.getByTestId('personal-token').textContent())!;
      expect(pat).toMatch(/^gat_pat_/);
      await shown.getByText('You will not see it again').waitFor();
      await audit('New token dialog');
      await shown.getByRole('button', { name: 'I have copied it' }).click();
      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(pat))).status).toBe(200);
      expect((await gatehouse.http().get('/api/v1/audit').set(bearer(pat))).status).toBe(403);
      await page.getByRole('button', { name: 'Revoke CI reader' }).click();
      const revokeToken = page.getByRole('dialog', { name: 'Revoke token' });
      await revokeToken.getByRole('button', { name: 'Revoke CI reader' }).click();
      await page.getByText('No personal access tokens.').waitFor();
      expect((await gatehouse.http().get('/api/v1/oauth/client').set(bearer(pat))).status).toBe(401);

      // An allowed app: revoked with a confirmation; its refresh token is refused.
      expect((await gatehouse.http().get('/oauth2/userinfo').set(bearer(allowed.access_token!))).status).toBe(200);
      await page.getByRole('button', { name: `Revoke access of Dashboard (${dashboard})` }).click();
      const revokeApp = page.getByRole('dialog', { name: 'Revoke access' });
      await revokeApp.getByText(dashboard).waitFor();
      await audit('Revoke access dialog');
      await revokeApp.getByRole('button', { name: 'Revoke access of Dashboard' }).click();
      await page.getByRole('row', { name: /Dashboard/ }).waitFor({ state: 'detached' });
      const refreshed = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: dashboard, refresh_token: allowed.refresh_token });
      expect(refreshed.body.error).toBe('invalid_grant');
      // The page links to the organization's OAuth clients, which the keeper may read.
      await page.getByRole('main').getByRole('link', { name: 'OAuth clients' }).waitFor();

      expect(a11y).toEqual([]);
      expect(errors.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  browserTest('shows a plain member only their settings, with the scopes their role gives', async () => {
    const { context, page, errors, a11y, audit } = await signedIn(member);
    try {
      // No client:read: the console opens on its welcome, points to the settings, and hides what the API would refuse.
      await page.getByRole('main').getByRole('link', { name: 'Your settings' }).click();
      await page.waitForURL(`${issuer}/console/settings`);
      await page.getByRole('heading', { name: 'Your settings' }).waitFor();
      await expect(page.getByRole('link', { name: 'Audit log' }).count()).resolves.toBe(0);
      await expect(page.getByRole('link', { name: 'Signing keys' }).count()).resolves.toBe(0);
      await page.getByText('Your role does not let you register OAuth apps').waitFor();
      await page.getByRole('button', { name: 'Create token' }).click();
      const create = page.getByRole('dialog', { name: 'Create personal access token' });
      await expect(create.getByRole('checkbox', { name: 'client:read' }).count()).resolves.toBe(0);
      await create.getByRole('checkbox', { name: 'consent:personal' }).waitFor();
      await audit('Member settings');
      expect(a11y).toEqual([]);
      expect(errors.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  browserTest('accepts an invitation in the settings only with the link its organization gave', async () => {
    await createOrganization(gatehouse, { name: 'initech', oauth_enabled: true, require_project_scoped_tokens: false });
    const initechAdmin = await realmToken(gatehouse, 'initech', await createClientIn(gatehouse, 'initech', { name: 'initech users', permissions: ['administer-account'] }));
    const invited = await gatehouse.http().post('/api/v1/users').set(bearer(initechAdmin)).send({ ...member, role: 'member' });
    expect(invited.status).toBe(201);
    const { context, page, errors, a11y, audit } = await signedIn(member);
    try {
      await page.getByRole('main').getByRole('link', { name: 'Your settings' }).click();
      await page.getByRole('heading', { name: 'Invitations' }).waitFor();
      await page.getByRole('button', { name: 'Accept the invitation of initech' }).click();
      const dialog = page.getByRole('dialog', { name: 'Join initech' });
      await dialog.getByLabel(/^Invitation link or code/).fill('not the code');
      await dialog.getByRole('button', { name: 'Accept the invitation' }).click();
      await dialog.getByText('The invitation was not accepted').waitFor();
      await audit('Accept invitation dialog');
      await dialog.getByLabel(/^Invitation link or code/).fill(invited.body.invitation_url as string);
      await dialog.getByRole('button', { name: 'Accept the invitation' }).click();
      await page.getByRole('heading', { name: 'Invitations' }).waitFor({ state: 'detached' });
      const memberships = (await gatehouse.http().get(`/api/v1/users/${invited.body.id}`).set(bearer(await tokenFor(gatehouse, ROOT)))).body.memberships as { status: string }[];
      expect(memberships.map((membership) => membership.status)).toEqual(['active', 'active']);
      expect(a11y).toEqual([]);
      expect(errors.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
