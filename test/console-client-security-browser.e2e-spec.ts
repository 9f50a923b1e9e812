import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { accessibilityProblems, setColorScheme } from './support/accessibility.js';
import { CHROMIUM, hasChromium, startConsoleRig, stopConsoleRig } from './support/chromium.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD } from './support/test-app.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { createUser, type Person } from './support/principals.js';

const browserTest = hasChromium ? it : it.skip;
if (!hasChromium) console.warn(`SKIPPED: the console browser tests need Debian's chromium at ${CHROMIUM} (apt-get install chromium); .ci/run installs it.`);

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ORDERS_API = 'https://orders.example.com';
const KEYS_URL = 'https://keys.example.com/jwks.json';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** A user whose role reads clients but may not change them. */
const READER: Person = { email: 'client-reader@example.com', password: 'client reader passphrase' };

interface ClientBody {
  dpop_bound_access_tokens: boolean;
  require_pushed_authorization_requests: boolean;
  token_exchange: { audiences: string[]; delegation: boolean; impersonation: boolean } | null;
  grant_types: string[];
  token_endpoint_auth_method: string;
  jwks: { keys: Record<string, unknown>[] } | null;
  jwks_uri: string | null;
}

describe("the admin console: a client's Security tab", () => {
  let gatehouse: TestApp;
  let issuer: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ({ gatehouse, issuer, browser } = await startConsoleRig());
  });
  afterAll(() => stopConsoleRig({ gatehouse, browser }));

  const asRoot = async () => `Bearer ${await tokenFor(gatehouse, ROOT)}`;
  const read = async (clientId: string): Promise<ClientBody> => {
    const response = await gatehouse.http().get(`/api/v1/oauth/client/${clientId}`).set('Authorization', await asRoot());
    expect(response.status).toBe(200);
    return response.body as ClientBody;
  };

  browserTest('an administrator requires DPoP and PAR, sets a token-exchange policy and rotates private_key_jwt keys, checked before sending and refusals shown by their fields; a reader sees it all read only', async () => {
    // The organization's API (an audience to exchange for), a role that only reads clients, and two clients made through the API.
    const root = await asRoot();
    const builtIn = ((await gatehouse.http().get('/api/v1/organizations').set('Authorization', root)).body as { name: string; id: string }[]).find((organization) => organization.id === '00000000-0000-4000-8000-000000000000')!;
    const api = await gatehouse.http().post('/api/v1/apis').set('Authorization', root).send({ organization: builtIn.name, identifier: ORDERS_API, name: 'Orders', scopes: [{ name: 'orders:read', description: 'Read orders' }] });
    expect(api.status).toBe(201);
    const role = await gatehouse.http().post('/api/v1/oauth/role').set('Authorization', root).send({ organization: builtIn.name, name: 'client-reader', scopes: ['client:read', 'scope:read'] });
    expect(role.status).toBe(201);
    await createUser(gatehouse, READER, builtIn.name, 'client-reader');
    const exporter = await createClient(gatehouse, { name: 'Exporter', scopes: [] });
    const signer = await createClient(gatehouse, { name: 'Signer', scopes: [], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: KEYS_URL });

    const context = await browser!.newContext();
    const page = await context.newPage();
    const problems = watch(page);
    try {
      await signIn(page, issuer, ADMIN_EMAIL, ADMIN_PASSWORD);

      // A confidential client: its method shown, not offered for change.
      await page.goto(`${issuer}/console/clients/${exporter.client_id}`);
      await page.getByRole('heading', { name: 'Exporter' }).waitFor();
      await page.getByRole('tab', { name: 'Security' }).click();
      await expect(page.getByLabel('Authentication method').inputValue()).resolves.toBe('client_secret_basic');
      await expect(page.getByLabel('Authentication method').getAttribute('readonly')).resolves.not.toBeNull();
      await problems.audit('Security tab');

      await page.getByRole('switch', { name: 'Require DPoP' }).click({ force: true });
      await page.getByRole('switch', { name: 'Require PAR' }).click({ force: true });
      await page.getByRole('switch', { name: 'Allow token exchange' }).click({ force: true });

      // Checked before sending: an empty policy allows nothing.
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Name at least one audience').waitFor();
      await page.getByText('Allow delegation, impersonation or both').waitFor();
      expect(problems.puts).toEqual([]);

      // The API refuses an audience that is no API of the organization; the console says so by the field and keeps the form.
      const audiences = page.getByRole('combobox', { name: 'Audiences' });
      await audiences.fill('https://nowhere.example.com');
      await audiences.press('Enter');
      await page.getByRole('checkbox', { name: 'Impersonation' }).check({ force: true });
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Unknown audiences (not an API of the organization').waitFor();
      await expect(describedBy(audiences)).resolves.toContain('Unknown audiences (not an API of the organization, nor Gatehouse\'s own');
      expect(problems.puts).toHaveLength(1);
      await problems.audit('Security tab, refused');
      await expect(page.getByRole('switch', { name: 'Require DPoP' }).isChecked()).resolves.toBe(true);
      await expect(page.getByRole('checkbox', { name: 'Impersonation' }).isChecked()).resolves.toBe(true);
      await page.getByText('https://nowhere.example.com', { exact: true }).waitFor();
      expect((await read(exporter.client_id)).dpop_bound_access_tokens).toBe(false);

      // Gatehouse's own audience exists, but only someone holding every Gatehouse scope may allow exchanges for it (403).
      await audiences.click();
      await audiences.press('Backspace');
      await audiences.fill(issuer);
      await audiences.press('Enter');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('You cannot allow token exchange for audiences whose scopes you do not all hold').waitFor();
      await expect(describedBy(audiences)).resolves.toContain(`You cannot allow token exchange for audiences whose scopes you do not all hold: ${issuer}`);
      expect(problems.puts).toHaveLength(2);

      // The organization's API; saved, and the token-exchange grant type comes with the policy.
      await audiences.press('Backspace');
      await audiences.fill(ORDERS_API);
      await audiences.press('Enter');
      await page.getByRole('checkbox', { name: 'Delegation' }).check({ force: true });
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText("The client's security settings are saved").waitFor();
      const saved = await read(exporter.client_id);
      expect(saved).toMatchObject({ dpop_bound_access_tokens: true, require_pushed_authorization_requests: true, token_exchange: { audiences: [ORDERS_API], delegation: true, impersonation: true } });
      expect(saved.grant_types).toContain(TOKEN_EXCHANGE_GRANT);
      // DPoP is now required: a token request without a proof is refused.
      const bearer = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', ...exporter });
      expect(bearer.body).toMatchObject({ error: 'invalid_dpop_proof' });

      // After a reload, the page shows what the server keeps.
      await page.reload();
      await page.getByRole('tab', { name: 'Security' }).click();
      await expect(page.getByRole('switch', { name: 'Require DPoP' }).isChecked()).resolves.toBe(true);
      await expect(page.getByRole('switch', { name: 'Require PAR' }).isChecked()).resolves.toBe(true);
      await expect(page.getByRole('switch', { name: 'Allow token exchange' }).isChecked()).resolves.toBe(true);
      await page.getByText(ORDERS_API, { exact: true }).waitFor();
      await expect(page.getByRole('checkbox', { name: 'Delegation' }).isChecked()).resolves.toBe(true);
      await expect(page.getByRole('checkbox', { name: 'Impersonation' }).isChecked()).resolves.toBe(true);

      // A private_key_jwt client: its keys by URL, checked before sending; then a JWK Set pasted instead.
      await page.goto(`${issuer}/console/clients/${signer.client_id}`);
      await page.getByRole('heading', { name: 'Signer' }).waitFor();
      await page.getByRole('tab', { name: 'Credentials' }).click();
      await page.getByText('It has no secret to regenerate').waitFor();
      await expect(page.getByRole('button', { name: 'Regenerate secret' }).count()).resolves.toBe(0);
      await page.getByRole('tab', { name: 'Security' }).click();
      await expect(page.getByLabel('Authentication method').inputValue()).resolves.toBe('private_key_jwt');
      const jwksUri = page.getByRole('textbox', { name: 'JWKS URI' });
      await expect(jwksUri.inputValue()).resolves.toBe(KEYS_URL);
      const putsBefore = problems.puts.length;
      await jwksUri.fill('http://keys.example.com/jwks.json');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('The JWKS URI must use https').waitFor();
      await expect(describedBy(jwksUri)).resolves.toContain('The JWKS URI must use https');
      expect(problems.puts).toHaveLength(putsBefore);
      await problems.audit('Security tab, private_key_jwt');

      // http to this machine is the server's call (JWKS_URI_ALLOW_PRIVATE_ADDRESSES): refused here, and said by the field.
      await jwksUri.fill('http://127.0.0.1:9/jwks.json');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('jwks_uri must be an https URL').waitFor();
      await expect(describedBy(jwksUri)).resolves.toContain('jwks_uri must be an https URL');
      expect(problems.puts).toHaveLength(putsBefore + 1);
      await expect(jwksUri.inputValue()).resolves.toBe('http://127.0.0.1:9/jwks.json');
      expect((await read(signer.client_id)).jwks_uri).toBe(KEYS_URL);

      await page.getByRole('radio', { name: 'A JWK Set pasted here' }).check({ force: true });
      const jwks = page.getByRole('textbox', { name: 'JWKS', exact: true });
      await jwks.fill('{"keys": [');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText(/^Not JSON/).waitFor();
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      await jwks.fill(JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'k1' }] }));
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('This is a private key').waitFor();
      expect(problems.puts).toHaveLength(putsBefore + 1);
      const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1' };
      await jwks.fill(JSON.stringify({ keys: [publicJwk] }));
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText("The client's security settings are saved").waitFor();
      const rotated = await read(signer.client_id);
      expect(rotated).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: null, jwks: { keys: [publicJwk] }, dpop_bound_access_tokens: false, token_exchange: null });

      // A policy given, then taken away: the grant type comes and goes with it.
      await page.getByRole('switch', { name: 'Allow token exchange' }).click({ force: true });
      await audiences.fill(ORDERS_API);
      await audiences.press('Enter');
      await page.getByRole('checkbox', { name: 'Impersonation' }).check({ force: true });
      await saveAndWait(page);
      expect((await read(signer.client_id)).token_exchange).toEqual({ audiences: [ORDERS_API], delegation: false, impersonation: true });
      expect((await read(signer.client_id)).grant_types).toContain(TOKEN_EXCHANGE_GRANT);
      await page.getByRole('switch', { name: 'Allow token exchange' }).click({ force: true });
      await saveAndWait(page);
      expect((await read(signer.client_id)).token_exchange).toBeNull();
      expect((await read(signer.client_id)).grant_types).toEqual(['client_credentials', 'authorization_code', 'refresh_token']);

      expect(problems.a11y).toEqual([]);
      expect(problems.csp()).toEqual([]);
    } finally {
      await context.close();
    }

    // A user who may read clients but not change them sees the same values, read only, and nothing to save.
    const readerContext = await browser!.newContext();
    const readerPage = await readerContext.newPage();
    const reader = watch(readerPage);
    try {
      await signIn(readerPage, issuer, READER.email, READER.password);
      await readerPage.goto(`${issuer}/console/clients/${exporter.client_id}`);
      await readerPage.getByRole('heading', { name: 'Exporter' }).waitFor();
      await readerPage.getByRole('tab', { name: 'Security' }).click();
      const dpop = readerPage.getByRole('switch', { name: 'Require DPoP' });
      await expect(dpop.isChecked()).resolves.toBe(true);
      await expect(dpop.isDisabled()).resolves.toBe(true);
      await expect(readerPage.getByRole('switch', { name: 'Allow token exchange' }).isDisabled()).resolves.toBe(true);
      await readerPage.getByText(ORDERS_API, { exact: true }).waitFor();
      await expect(readerPage.getByRole('checkbox', { name: 'Delegation' }).isDisabled()).resolves.toBe(true);
      await expect(readerPage.getByRole('button', { name: 'Save' }).count()).resolves.toBe(0);
      await reader.audit('Security tab, read only');

      // A public client (the console's own) has no secret: no token exchange, and its method is none.
      await readerPage.goto(`${issuer}/console/clients/gatehouse-console`);
      await readerPage.getByRole('tab', { name: 'Security' }).click();
      await expect(readerPage.getByLabel('Authentication method').inputValue()).resolves.toBe('none');
      await readerPage.getByText('A public client cannot exchange tokens').waitFor();
      await expect(readerPage.getByRole('switch', { name: 'Allow token exchange' }).count()).resolves.toBe(0);
      expect(reader.a11y).toEqual([]);
      expect(reader.csp()).toEqual([]);
    } finally {
      await readerContext.close();
    }
  }, 120_000);

  browserTest('the Create dialog makes a private_key_jwt client from a pasted JWK Set (checked before sending, no secret shown) that gets a token with an assertion; client_secret_jwt refused by the choice without the server key; DPoP and PAR set at creation', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid: 'console-1', alg: 'ES256', use: 'sig' };
    const context = await browser!.newContext();
    const page = await context.newPage();
    const problems = watch(page);
    try {
      await signIn(page, issuer, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Create OAuth client' });
      await dialog.getByLabel(/^Name/).fill('Key signer');
      const authentication = dialog.getByRole('radiogroup', { name: 'Authentication' });
      await expect(authentication.getByRole('radio', { name: 'Client secret (HTTP Basic)' }).isChecked()).resolves.toBe(true);
      // A public client has no choice to make: its method is none.
      const isPublic = dialog.getByRole('switch', { name: /^Public client/ });
      await isPublic.check();
      await expect(authentication.count()).resolves.toBe(0);
      await isPublic.uncheck();

      // private_key_jwt: its public keys are needed, and checked before sending (public keys only).
      await authentication.getByRole('radio', { name: 'Private key JWT' }).check();
      await dialog.getByRole('button', { name: 'Save' }).click();
      const jwksUri = dialog.getByRole('textbox', { name: 'JWKS URI' });
      await expect(describedBy(jwksUri)).resolves.toContain('Give the URL of the JWK Set, or paste the keys instead');
      await dialog.getByRole('radio', { name: 'A JWK Set pasted here' }).check();
      const jwks = dialog.getByRole('textbox', { name: 'JWKS', exact: true });
      await jwks.fill(JSON.stringify({ keys: [{ ...(await exportJWK(privateKey)), kid: 'console-1' }] }));
      await dialog.getByRole('button', { name: 'Save' }).click();
      await expect(describedBy(jwks)).resolves.toContain('This is a private key: paste only public keys');
      expect(problems.posts).toEqual([]);
      // http to this machine is the server's call: refused there, said by the field, and the URL kept.
      await dialog.getByRole('radio', { name: 'From a JWKS URI' }).check();
      await jwksUri.fill('http://127.0.0.1:9/jwks.json');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('jwks_uri must be an https URL').waitFor();
      await expect(describedBy(jwksUri)).resolves.toContain('jwks_uri must be an https URL');
      await expect(jwksUri.inputValue()).resolves.toBe('http://127.0.0.1:9/jwks.json');
      expect(problems.posts).toHaveLength(1);
      await dialog.getByRole('radio', { name: 'A JWK Set pasted here' }).check();
      await problems.audit('Create dialog, private_key_jwt');

      // The public JWK Set: created, with no secret to show; its page says how it authenticates.
      await jwks.fill(JSON.stringify({ keys: [publicJwk] }, null, 2));
      await dialog.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\/console\/clients\/[^/]+$/);
      await page.getByRole('heading', { name: 'Key signer' }).waitFor();
      const signerId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
      await expect(page.getByRole('dialog', { name: 'Client secret' }).count()).resolves.toBe(0);
      await page.getByRole('tab', { name: 'Security' }).click();
      await expect(page.getByLabel('Authentication method').inputValue()).resolves.toBe('private_key_jwt');
      await expect(page.getByRole('textbox', { name: 'JWKS', exact: true }).inputValue()).resolves.toContain('"kid": "console-1"');
      expect(await read(signerId)).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [publicJwk] }, jwks_uri: null, dpop_bound_access_tokens: false });
      expect(problems.posts).toHaveLength(2);

      // It works: an assertion signed with the private key gets a token (RFC 7523 §2.2).
      const assertion = await new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'ES256', kid: 'console-1' }).setIssuer(signerId).setSubject(signerId).setAudience(`${issuer}/api/v1/oauth/token`).setIssuedAt().setExpirationTime('1m').sign(privateKey);
      const token = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion });
      expect(token.status).toBe(200);
      expect(token.body).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer' });

      // client_secret_jwt: this server has no CLIENT_SECRET_ENCRYPTION_KEY, and says so by the choice; the dialog keeps what was typed.
      await page.getByRole('link', { name: 'OAuth clients' }).first().click();
      await page.getByRole('button', { name: 'Create', exact: true }).click();
      await dialog.getByLabel(/^Name/).fill('Bound app');
      await authentication.getByRole('radio', { name: 'Client secret JWT' }).check();
      await dialog.getByRole('switch', { name: 'Require DPoP' }).check();
      await dialog.getByRole('switch', { name: 'Require PAR' }).check();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('client_secret_jwt needs CLIENT_SECRET_ENCRYPTION_KEY').waitFor();
      await expect(describedBy(authentication)).resolves.toContain('client_secret_jwt needs CLIENT_SECRET_ENCRYPTION_KEY set on the server');
      await expect(dialog.getByText('The client was not created').count()).resolves.toBe(0);
      expect(problems.posts).toHaveLength(3);
      await expect(dialog.getByLabel(/^Name/).inputValue()).resolves.toBe('Bound app');
      await expect(dialog.getByRole('switch', { name: 'Require DPoP' }).isChecked()).resolves.toBe(true);
      await expect(dialog.getByRole('switch', { name: 'Require PAR' }).isChecked()).resolves.toBe(true);
      await problems.audit('Create dialog, client_secret_jwt refused');

      // The secret in the request body instead: shown once; DPoP and PAR are required from the start.
      await authentication.getByRole('radio', { name: 'Client secret in the request body' }).check();
      await dialog.getByRole('button', { name: 'Save' }).click();
      const secretDialog = page.getByRole('dialog', { name: 'Client secret' });
      const boundId = (await secretDialog.getByTestId('client-id').textContent())!;
      const secret = (await secretDialog.getByTestId('client-secret').textContent())!;
      await secretDialog.getByRole('button', { name: 'I have copied it' }).click();
      await page.waitForURL(`${issuer}/console/clients/${boundId}`);
      await page.getByRole('tab', { name: 'Security' }).click();
      await expect(page.getByLabel('Authentication method').inputValue()).resolves.toBe('client_secret_post');
      await expect(page.getByRole('switch', { name: 'Require DPoP' }).isChecked()).resolves.toBe(true);
      await expect(page.getByRole('switch', { name: 'Require PAR' }).isChecked()).resolves.toBe(true);
      expect(await read(boundId)).toMatchObject({ token_endpoint_auth_method: 'client_secret_post', dpop_bound_access_tokens: true, require_pushed_authorization_requests: true });
      // Its secret authenticates it, and then the missing DPoP proof is refused.
      const unbound = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: boundId, client_secret: secret });
      expect(unbound.body).toMatchObject({ error: 'invalid_dpop_proof' });

      expect(problems.a11y).toEqual([]);
      expect(problems.csp()).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});

/** The words a field's aria-describedby points at (its description and its error): what a screen reader says with it, and where the form puts a refusal. */
function describedBy(field: Locator): Promise<string> {
  interface DomElement {
    getAttribute(name: string): string | null;
    ownerDocument: { getElementById(id: string): { textContent: string | null } | null };
  }
  return field.evaluate((element: DomElement) => {
    const ids = (element.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return ids.map((id) => element.ownerDocument.getElementById(id)?.textContent ?? '').join(' | ');
  });
}

/** Clicks Save and waits for the server's answer to the change it sends. */
async function saveAndWait(page: Page): Promise<void> {
  const answered = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().includes('/api/v1/oauth/client/'));
  await page.getByRole('button', { name: 'Save' }).click();
  expect((await answered).status()).toBe(200);
}

async function signIn(page: Page, issuer: string, email: string, password: string): Promise<void> {
  await page.goto(`${issuer}/console`);
  await page.waitForURL(/\/oauth2\/sign-in/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** What the test checks on a page: console errors (CSP refusals among them), axe findings light and dark, and the clients it creates and changes. */
function watch(page: Page) {
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  const a11y: string[] = [];
  const puts: string[] = [];
  const posts: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('request', (request) => request.method() === 'PUT' && request.url().includes('/api/v1/oauth/client/') && puts.push(request.postData() ?? ''));
  page.on('request', (request) => request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/oauth/client' && posts.push(request.postData() ?? ''));
  return {
    a11y,
    puts,
    posts,
    csp: () => errors.filter((text) => /Content Security Policy|Refused to/i.test(text)),
    async audit(where: string): Promise<void> {
      const chosen = await page.locator('html').getAttribute('data-mantine-color-scheme');
      for (const scheme of ['light', 'dark'] as const) {
        await page.evaluate(setColorScheme, scheme);
        a11y.push(...(await accessibilityProblems(page)).map((problem) => `${where}, ${scheme}: ${problem}`));
      }
      await page.evaluate(setColorScheme, chosen!);
    },
  };
}
