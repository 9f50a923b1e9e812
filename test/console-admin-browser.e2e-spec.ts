import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { accessibilityProblems, setColorScheme } from './support/accessibility.js';
import { CHROMIUM, hasChromium, startConsoleRig, stopConsoleRig } from './support/chromium.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD } from './support/test-app.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { acceptInvitation, addMembership, createUser, type Person } from './support/principals.js';
import { createClientIn, realmToken } from './support/tenants.js';

const browserTest = hasChromium ? it : it.skip;
if (!hasChromium) console.warn(`SKIPPED: the console browser tests need Debian's chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it.`);


function readClipboard(): Promise<string> {
  return (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText();
}

/** A console tab, with what the test checks on it: console errors (CSP refusals among them), axe findings, and the bearer token the console sends. */
class ConsoleTab {
  readonly errors: string[] = [];
  readonly a11y: string[] = [];
  bearer: string | undefined;

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => message.type() === 'error' && this.errors.push(message.text()));
    page.on('pageerror', (error) => this.errors.push(String(error)));
    page.on('request', (request) => {
      const authorization = request.headers()['authorization'];
      if (request.url().includes('/api/v1/') && authorization?.startsWith('Bearer ')) this.bearer = authorization.slice('Bearer '.length);
    });
  }

  static async open(browser: Browser, issuer: string): Promise<ConsoleTab> {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: issuer });
    return new ConsoleTab(context, await context.newPage());
  }

  async signIn(issuer: string, email: string, password: string): Promise<void> {
    await this.page.goto(`${issuer}/console`);
    await this.page.waitForURL(/\/oauth2\/sign-in/);
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** axe in light and in dark mode (what the toggle does), leaving the chosen mode as it was. */
  async audit(where: string): Promise<void> {
    const chosen = await this.page.locator('html').getAttribute('data-mantine-color-scheme');
    for (const scheme of ['light', 'dark'] as const) {
      await this.page.evaluate(setColorScheme, scheme);
      this.a11y.push(...(await accessibilityProblems(this.page)).map((problem) => `${where}, ${scheme}: ${problem}`));
    }
    await this.page.evaluate(setColorScheme, chosen!);
  }

  cspViolations(): string[] {
    return this.errors.filter((text) => /Content Security Policy|Refused to/i.test(text));
  }
}

describe('the admin console: organizations, projects and users', () => {
  let gatehouse: TestApp;
  let issuer: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ({ gatehouse, issuer, browser } = await startConsoleRig());
  });
  afterAll(() => stopConsoleRig({ gatehouse, browser }));

  const get = (path: string, token: string) => gatehouse.http().get(path).set('Authorization', `Bearer ${token}`);
  /** The built-in organization's administrator (administer-account): an organization administrator, not a platform administrator like the bootstrap one. */
  const OPERATOR: Person = { email: 'operator@example.com', password: 'operator passphrase' };

  browserTest('walks the organization, project and user flows as an organization administrator; a plain member sees no admin menu and the API refuses them', async () => {
    const admin = await ConsoleTab.open(browser!, issuer);
    const { page } = admin;
    const root = await tokenFor(gatehouse, ROOT);
    const builtIn = ((await get('/api/v1/organizations', root)).body as { name: string; display_name: string; id: string }[]).find((organization) => organization.id === '00000000-0000-4000-8000-000000000000')!;
    const adminId = await createUser(gatehouse, OPERATOR, builtIn.name, 'administer-account');
    let member: ConsoleTab | undefined;
    try {
      await admin.signIn(issuer, OPERATOR.email, OPERATOR.password);
      for (const menu of ['OAuth clients', 'Organizations', 'Projects', 'Users']) await page.getByRole('link', { name: menu }).waitFor();

      // Organizations: the administrator's own; creating and deleting take organization:create and organization:delete, which only the platform administrator's role gives, so no Create or Delete button, and the API refuses them too.
      await page.getByRole('link', { name: 'Organizations' }).click();
      await page.getByRole('heading', { name: 'Organizations' }).waitFor();
      await page.getByRole('cell', { name: builtIn.display_name, exact: true }).waitFor();
      await expect(page.getByRole('button', { name: 'Create organization' }).count()).resolves.toBe(0);
      await expect(page.getByRole('button', { name: /^Delete / }).count()).resolves.toBe(0);
      const refused = await gatehouse.http().post('/api/v1/organizations').set('Authorization', `Bearer ${admin.bearer!}`).send({ name: 'acme', display_name: 'ACME' });
      expect(refused.body).toMatchObject({ error: 'insufficient_scope' });
      const deleteRefused = await gatehouse.http().delete(`/api/v1/organizations/${builtIn.name}`).set('Authorization', `Bearer ${admin.bearer!}`);
      expect(deleteRefused.body).toMatchObject({ error: 'insufficient_scope' });
      await admin.audit('Organizations');

      await page.getByRole('button', { name: `Settings of ${builtIn.display_name}` }).click();
      const settings = page.getByRole('dialog', { name: `Settings of ${builtIn.display_name}` });
      // The OAuth switch: the API refuses to turn it off here, and the console says why, next to the switch.
      const oauthSwitch = settings.getByRole('switch', { name: 'OAuth enabled' });
      await expect(oauthSwitch.isChecked()).resolves.toBe(true);
      await oauthSwitch.click({ force: true });
      await settings.getByText('OAuth cannot be disabled for the built-in organization').waitFor();
      await expect(oauthSwitch.isChecked()).resolves.toBe(true);
      // Default token lifespan and the project-scoped token rule: checked before sending, then saved.
      await settings.getByLabel('Default access token lifespan (seconds)').fill('100000');
      await settings.getByRole('button', { name: 'Save settings' }).click();
      await settings.getByText('Whole seconds, from 1 to 86400').waitFor();
      await settings.getByLabel('Default access token lifespan (seconds)').fill('600');
      const projectScoped = settings.getByRole('switch', { name: 'Require project-scoped tokens' });
      const wasRequired = await projectScoped.isChecked();
      await projectScoped.click({ force: true });
      await expect(projectScoped.isChecked()).resolves.toBe(!wasRequired);
      await settings.getByRole('button', { name: 'Save settings' }).click();
      await settings.getByText('Saved.').waitFor();
      const saved = (await get(`/api/v1/organizations/${builtIn.name}`, root)).body as { access_token_lifespan: number; require_project_scoped_tokens: boolean };
      expect(saved).toMatchObject({ access_token_lifespan: 600, require_project_scoped_tokens: !wasRequired });
      // Push not-before, after a confirmation: here only the root client may (its own tokens would be refused), and the console says so.
      await settings.getByRole('button', { name: 'Push not-before…' }).click();
      await admin.audit('Organization settings');
      await settings.getByRole('button', { name: 'Push not-before', exact: true }).click();
      await settings.getByText('Only the root client can push').waitFor();
      await settings.getByRole('button', { name: 'Close' }).click();

      // Projects: create (checked before sending), copy the scope value, get a project-scoped token with it.
      await page.getByRole('link', { name: 'Projects' }).click();
      await page.getByRole('heading', { name: 'Projects' }).waitFor();
      await page.getByRole('button', { name: 'Create project' }).click();
      const create = page.getByRole('dialog', { name: 'Create project' });
      await create.getByLabel('Description').fill('Quarterly numbers');
      await create.getByRole('button', { name: 'Save' }).click();
      await create.getByText('Name the project').waitFor();
      await expect(create.getByLabel('Description').inputValue()).resolves.toBe('Quarterly numbers');
      await admin.audit('Create project');
      await create.getByLabel(/^Name/).fill('Analytics');
      await create.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Analytics', { exact: true }).waitFor();
      const projects = (await get(`/api/v1/organizations/${builtIn.name}/projects`, root)).body as { id: string; name: string; description: string | null; scope: string }[];
      const project = projects.find((candidate) => candidate.name === 'Analytics')!;
      expect(project.description).toBe('Quarterly numbers');
      await page.getByRole('button', { name: 'Copy the scope value of Analytics' }).click();
      await page.getByRole('button', { name: 'Copied the scope value of Analytics' }).waitFor();
      const copied = await page.evaluate(readClipboard);
      expect(copied).toBe(`project-${project.id}`);
      await admin.audit('Projects');
      const reader = await createClient(gatehouse, { name: 'Project reader', scopes: ['project:read'] });
      const scoped = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', ...reader, scope: `${copied} project:read` });
      expect(scoped.status).toBe(200);
      expect((scoped.body as { scope: string }).scope.split(' ')).toContain(copied);
      expect((await get(`/api/v1/organizations/${builtIn.name}/projects/${project.id}`, (scoped.body as { access_token: string }).access_token)).status).toBe(200);

      // Rename, then delete with a confirmation naming it.
      await page.getByRole('button', { name: 'Rename Analytics' }).click();
      const rename = page.getByRole('dialog', { name: 'Rename project' });
      await rename.getByLabel(/^Name/).fill('');
      await rename.getByRole('button', { name: 'Save' }).click();
      await rename.getByText('Name the project').waitFor();
      await rename.getByLabel(/^Name/).fill('Analytics EU');
      await rename.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Analytics EU', { exact: true }).waitFor();
      expect(((await get(`/api/v1/organizations/${builtIn.name}/projects/${project.id}`, root)).body as { name: string }).name).toBe('Analytics EU');
      await page.getByRole('button', { name: 'Delete Analytics EU' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete project' });
      await confirm.getByText(project.id).waitFor();
      await admin.audit('Delete project');
      await confirm.getByRole('button', { name: 'Delete Analytics EU' }).click();
      await page.getByText('No projects yet.').waitFor();
      expect((await get(`/api/v1/organizations/${builtIn.name}/projects/${project.id}`, root)).status).toBe(404);

      // Users: create (checked before sending, keeping what was typed), change the role, disable, enable, reset the password.
      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByRole('heading', { name: 'Users' }).waitFor();
      await page.getByRole('button', { name: 'Create user' }).click();
      const newUser = page.getByRole('dialog', { name: 'Create user' });
      await newUser.getByLabel(/^Email/).fill('grace');
      await newUser.getByLabel(/^Name/).fill('Grace Hopper');
      await newUser.getByLabel(/^First password/).fill('short');
      await newUser.getByRole('button', { name: 'Create' }).click();
      await newUser.getByText('Enter an email address').waitFor();
      await newUser.getByText('At least 8 characters', { exact: true }).waitFor();
      await expect(newUser.getByLabel(/^Name/).inputValue()).resolves.toBe('Grace Hopper');
      await admin.audit('Create user');
      await newUser.getByLabel(/^Email/).fill(ADMIN_EMAIL);
      await newUser.getByLabel(/^First password/).fill('first passphrase');
      await newUser.getByRole('button', { name: 'Create' }).click();
      // The server's refusal, in words, and the form as it was.
      await newUser.getByText(`${ADMIN_EMAIL} is a member of this organization already, or invited to it`).waitFor();
      await newUser.getByLabel(/^Email/).fill('grace@example.com');
      await newUser.getByRole('button', { name: 'Create' }).click();
      // An administrator invites: the invitation link is shown once, and the user is listed as invited until they accept with it (through the API here, as the console's settings page does).
      const invitationDialog = page.getByRole('dialog', { name: 'Invitation link' });
      await invitationDialog.getByText('You will not see it again', { exact: false }).waitFor();
      const invitationUrl = (await invitationDialog.getByTestId('invitation-url').textContent())!;
      expect(invitationUrl).toMatch(/\/oauth2\/account\/invitations\/accept\?code=[A-Za-z0-9_-]{43}$/);
      await invitationDialog.getByRole('button', { name: 'Copy invitation link' }).waitFor();
      await admin.audit('Invitation link');
      await invitationDialog.getByRole('button', { name: 'I have copied it' }).click();
      await page.getByRole('row', { name: /grace@example\.com/ }).getByText('Invited').waitFor();
      await acceptInvitation(gatehouse, { email: 'grace@example.com', password: 'first passphrase' }, builtIn.name, invitationUrl);
      await page.getByRole('link', { name: 'Projects' }).click();
      await page.getByRole('heading', { name: 'Projects' }).waitFor();
      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByRole('row', { name: /grace@example\.com/ }).getByText('Active').waitFor();
      await page.getByRole('button', { name: 'grace@example.com' }).click();
      const user = page.getByRole('dialog', { name: 'User grace@example.com' });
      await admin.audit('Users');
      const graceId = ((await get('/api/v1/users?size=100', root)).body as { items: { id: string; email: string }[] }).items.find((candidate) => candidate.email === 'grace@example.com')!.id;
      const roleOf = async () => ((await get(`/api/v1/users/${graceId}`, root)).body as { memberships: { organization_id: string; role: string }[] }).memberships.find((membership) => membership.organization_id === builtIn.id)?.role;
      await expect(roleOf()).resolves.toBe('member');

      await user.getByLabel(/^Role in/).click();
      await page.getByRole('option', { name: 'administer-clients' }).click();
      await user.getByRole('button', { name: 'Save role' }).click();
      await user.getByText('The role is now administer-clients.').waitFor();
      await expect(roleOf()).resolves.toBe('administer-clients');
      await user.getByLabel(/^Role in/).click();
      await page.getByRole('option', { name: /^member/ }).click();
      await user.getByRole('button', { name: 'Save role' }).click();
      await user.getByText('The role is now member.').waitFor();
      await expect(roleOf()).resolves.toBe('member');

      await user.getByRole('button', { name: 'Disable user' }).click();
      await user.getByRole('button', { name: 'Enable user' }).waitFor();
      expect(((await get(`/api/v1/users/${graceId}`, root)).body as { disabled: boolean }).disabled).toBe(true);
      await user.getByRole('button', { name: 'Enable user' }).click();
      await user.getByRole('button', { name: 'Disable user' }).waitFor();
      expect(((await get(`/api/v1/users/${graceId}`, root)).body as { disabled: boolean }).disabled).toBe(false);

      await user.getByRole('textbox', { name: 'New password' }).fill('tiny');
      await user.getByRole('button', { name: 'Reset password' }).click();
      await user.getByText('At least 8 characters', { exact: true }).waitFor();
      await user.getByRole('textbox', { name: 'New password' }).fill('second passphrase');
      await user.getByRole('button', { name: 'Reset password' }).click();
      await user.getByText('The password was reset.').waitFor();
      await admin.audit('User dialog');
      await user.getByRole('button', { name: 'Close' }).click();

      // The organization switcher: the administrator belongs to a second organization (made by the root client).
      const acme = await gatehouse.http().post('/api/v1/organizations').set('Authorization', `Bearer ${root}`).send({ name: 'acme', display_name: 'ACME Corporation', oauth_enabled: true });
      expect(acme.status).toBe(201);
      await addMembership(gatehouse, adminId, 'acme', 'administer-account');
      await page.getByTestId('current-organization').getByText(builtIn.display_name).waitFor();
      await page.getByRole('button', { name: 'Switch organization' }).click();
      // Gatehouse's own page asks which organization (the same sign-in flow, Polar's sub_type=organization).
      await page.getByLabel('Organization').selectOption('acme');
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByTestId('current-organization').getByText('ACME Corporation').waitFor();
      await expect(page.getByTestId('current-organization').textContent()).resolves.toBe('Acting for ACME Corporation');
      await admin.audit('Acting for another organization');
      // What the console does now happens in that organization.
      await page.getByRole('link', { name: 'Projects' }).click();
      await page.getByRole('button', { name: 'Create project' }).click();
      await page.getByRole('dialog', { name: 'Create project' }).getByLabel(/^Name/).fill('Acme data');
      await page.getByRole('dialog', { name: 'Create project' }).getByRole('button', { name: 'Save' }).click();
      await page.getByText('Acme data', { exact: true }).waitFor();
      expect(((await get('/api/v1/organizations/acme/projects', root)).body as { name: string }[]).map((candidate) => candidate.name)).toEqual(['Acme data']);
      await page.getByRole('link', { name: 'Organizations' }).click();
      await page.getByRole('cell', { name: 'ACME Corporation', exact: true }).waitFor();
      await expect(page.getByRole('cell', { name: builtIn.display_name, exact: true }).count()).resolves.toBe(0);
      // And back to the user's own account, through the same flow (the Gatehouse session is still there: no password).
      await page.getByRole('button', { name: 'Back to my account' }).click();
      await page.getByTestId('current-organization').getByText(builtIn.display_name).waitFor();
      await expect(page.getByText(OPERATOR.email).isVisible()).resolves.toBe(true);

      // Acting for acme again, the administrator turns its OAuth flag off: allowed (they hold all anyone there holds), and from then on acme's tokens, the console's own among them, are refused.
      await page.getByRole('button', { name: 'Switch organization' }).click();
      await page.getByLabel('Organization').selectOption('acme');
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByTestId('current-organization').getByText('ACME Corporation').waitFor();
      await page.getByRole('link', { name: 'Organizations' }).click();
      await page.getByRole('button', { name: 'Settings of ACME Corporation' }).click();
      await page.getByRole('dialog', { name: 'Settings of ACME Corporation' }).getByRole('switch', { name: 'OAuth enabled' }).click({ force: true });
      await page.getByRole('heading', { name: 'Your session ended' }).waitFor();
      expect(((await get('/api/v1/organizations/acme', root)).body as { oauth_enabled: boolean }).oauth_enabled).toBe(false);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('current-organization').getByText(builtIn.display_name).waitFor();

      // The plain member signs in with the new password: no admin menu, and the API refuses them anyway.
      member = await ConsoleTab.open(browser!, issuer);
      await member.signIn(issuer, 'grace@example.com', 'second passphrase');
      await member.page.getByText('Your role in this organization gives you no administration rights here.').waitFor();
      for (const menu of ['OAuth clients', 'Organizations', 'Projects', 'Users']) await expect(member.page.getByRole('link', { name: menu }).count()).resolves.toBe(0);
      await member.audit('Member home');
      // Another organization's administrator invites the member: Your settings lists the invitation, and accepting it makes the membership active.
      await gatehouse.http().post('/api/v1/organizations').set('Authorization', `Bearer ${root}`).send({ name: 'umbrella', display_name: 'Umbrella', oauth_enabled: true }).expect(201);
      const umbrellaAdmin = await realmToken(gatehouse, 'umbrella', await createClientIn(gatehouse, 'umbrella', { name: 'umbrella users', permissions: ['administer-account'] }));
      const invited = await gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${umbrellaAdmin}`).send({ email: 'grace@example.com', password: 'ignored for an existing account', role: 'member' }).expect(201);
      await member.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Your settings' }).click();
      await member.page.getByRole('table', { name: 'Invitations' }).getByRole('cell', { name: 'umbrella', exact: true }).waitFor();
      await member.audit('Your settings with an invitation');
      await member.page.getByRole('button', { name: 'Accept the invitation of umbrella' }).click();
      // Accepting needs the link umbrella's administrator passed on.
      const acceptDialog = member.page.getByRole('dialog', { name: 'Join umbrella' });
      await acceptDialog.getByLabel(/^Invitation link or code/).fill(invited.body.invitation_url as string);
      await acceptDialog.getByRole('button', { name: 'Accept the invitation' }).click();
      await member.page.getByRole('heading', { name: 'Invitations' }).waitFor({ state: 'detached' });
      expect(((await get(`/api/v1/users/${invited.body.id}`, umbrellaAdmin)).body as { memberships: { status: string }[] }).memberships).toEqual([expect.objectContaining({ status: 'active' })]);
      // Their own console token (taken from a console request) is refused by every admin API.
      await member.page.goto(`${issuer}/console/users`);
      await member.page.getByRole('alert').getByText('Could not list the users').waitFor();
      const theirs = member.bearer!;
      expect(theirs).toBeDefined();
      for (const path of ['/api/v1/users', '/api/v1/oauth/client', `/api/v1/organizations/${builtIn.name}`, `/api/v1/organizations/${builtIn.name}/projects`]) {
        expect([path, (await get(path, theirs)).status]).toEqual([path, 403]);
      }

      expect([...admin.a11y, ...member.a11y]).toEqual([]);
      expect([...admin.cspViolations(), ...member.cspViolations()]).toEqual([]);
    } finally {
      await member?.context.close();
      await admin.context.close();
    }
    // Some three minutes on a loaded machine: the walk is long.
  }, 300_000);

  browserTest('lets a platform administrator create an organization, see it listed and delete it, checking each form before sending', async () => {
    const admin = await ConsoleTab.open(browser!, issuer);
    const { page } = admin;
    const root = await tokenFor(gatehouse, ROOT);
    try {
      // The bootstrap administrator is a platform administrator (administer-platform).
      await admin.signIn(issuer, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.getByRole('link', { name: 'Organizations' }).click();
      await page.getByRole('heading', { name: 'Organizations' }).waitFor();
      // Its own organization, the built-in one, cannot be deleted: no Delete button there.
      await page.getByRole('button', { name: /^Settings of / }).first().waitFor();
      const builtIn = ((await get('/api/v1/organizations/default', root)).body as { display_name: string }).display_name;
      await expect(page.getByRole('button', { name: `Delete ${builtIn}` }).count()).resolves.toBe(0);

      // Create, from the keyboard: the realm name is checked before anything is sent.
      await page.getByRole('button', { name: 'Create organization' }).click();
      const create = page.getByRole('dialog', { name: 'Create organization' });
      await create.getByRole('textbox', { name: 'Realm name' }).fill('Initech Corp');
      await create.getByRole('textbox', { name: 'Display name' }).fill('Initech');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Space');
      await expect(create.getByRole('switch', { name: 'OAuth enabled' }).isChecked()).resolves.toBe(true);
      await create.getByRole('button', { name: 'Create' }).click();
      await create.getByText('Lower-case letters, digits and dashes').waitFor();
      expect((await get('/api/v1/organizations', root)).body).not.toEqual(expect.arrayContaining([expect.objectContaining({ display_name: 'Initech' })]));
      await create.getByRole('textbox', { name: 'Realm name' }).fill('initech');
      await admin.audit('Create organization');
      await create.getByRole('textbox', { name: 'Realm name' }).press('Enter');
      await page.getByRole('status').filter({ hasText: 'The organization Initech (initech) was created.' }).waitFor();
      await page.getByRole('cell', { name: 'Initech', exact: true }).waitFor();
      expect((await get('/api/v1/organizations/initech', root)).body).toMatchObject({ name: 'initech', display_name: 'Initech', oauth_enabled: true });

      // The same name again: the API's refusal is shown by the realm name, and the form keeps what was typed.
      await page.getByRole('button', { name: 'Create organization' }).click();
      await create.getByRole('textbox', { name: 'Realm name' }).fill('initech');
      await create.getByRole('textbox', { name: 'Display name' }).fill('Initech again');
      await create.getByRole('button', { name: 'Create' }).click();
      await create.getByText('An organization named initech exists already').waitFor();
      await expect(create.getByRole('textbox', { name: 'Realm name' }).getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(create.getByRole('textbox', { name: 'Display name' }).inputValue()).resolves.toBe('Initech again');
      await create.getByRole('button', { name: 'Cancel' }).click();

      // Another organization's settings are its own administrators': shown, not editable.
      await page.getByRole('button', { name: 'Settings of Initech' }).click();
      const settings = page.getByRole('dialog', { name: 'Settings of Initech' });
      await expect(settings.getByRole('button', { name: 'Save settings' }).count()).resolves.toBe(0);
      await settings.getByRole('button', { name: 'Close' }).click();

      // Delete, confirmed by typing the realm name the dialog names.
      await page.getByRole('button', { name: 'Delete Initech' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete Initech' });
      await confirm.getByText('Delete the organization Initech (realm initech)?').waitFor();
      const typed = confirm.getByRole('textbox', { name: 'Type initech to confirm' });
      await expect(typed.evaluate((element) => element === element.ownerDocument.activeElement)).resolves.toBe(true);
      await page.keyboard.type('initec');
      await page.keyboard.press('Enter');
      await confirm.getByText('Type initech exactly to confirm').waitFor();
      expect((await get('/api/v1/organizations/initech', root)).status).toBe(200);
      await admin.audit('Delete organization');
      await page.keyboard.type('h');
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'The organization Initech was deleted.' }).waitFor();
      await expect(page.getByRole('cell', { name: 'Initech', exact: true }).count()).resolves.toBe(0);
      expect((await get('/api/v1/organizations/initech', root)).status).toBe(404);
      await admin.audit('Organizations, as a platform administrator');

      expect(admin.a11y).toEqual([]);
      expect(admin.cspViolations()).toEqual([]);
    } finally {
      await admin.context.close();
    }
  }, 120_000);
});
