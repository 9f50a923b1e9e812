import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization } from './support/tenants.js';
import { Browser, location, pkce } from './support/browser.js';
import { APP_REDIRECT, userTokens } from './support/principals.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './support/test-app.js';
import { CONSOLE_CLIENT_ID } from '../src/clients/console-client.js';
import { DOCS_CLIENT_ID } from '../src/clients/docs-client.js';
import { DEFAULT_ID_TOKEN_ALGORITHM } from '../src/config/environment.js';
import { DataSource } from 'typeorm';
import { insecureUrlWarning, saveCredentials, settingsFile } from '../src/cli/settings.js';
import { segment } from '../src/cli/api-client.js';

/**
 * The findings of the security review of issues 18 and 21 (the console and its first-party
 * client, the /docs client, a user's consents in the API, the sign-in pages' "not you?", the
 * gatehouse command line), each as the attack that reproduced it. Each `it` states the secure behaviour.
 */
describe('security review of issue 21', () => {
  // http: the test agent's cookie jar would not send a Secure session cookie over supertest's plain HTTP.
  const ISSUER = 'http://localhost:3921';
  let gatehouse: TestApp;
  beforeAll(async () => {
    gatehouse = await startApp({ env: { PUBLIC_URL: ISSUER } });
  });
  afterAll(() => gatehouse.close());

  /** The form-action directive of a page's Content-Security-Policy. */
  const formAction = (response: { headers: Record<string, string> }) => /form-action ([^;]*)/.exec(response.headers['content-security-policy'] ?? '')?.[1] ?? '';

  describe('F1: the sign-in page lets its form lead only to a redirect URI the application registered', () => {
    // The sign-in form's CSP form-action named the origin of any redirect_uri in return_to, checked
    // or not: a link to the sign-in page chose an origin the page's form (and the redirects after
    // it) may go to. Only a valid authorization request's (registered) redirect URI belongs there.
    it('does not allow an unregistered redirect_uri origin in form-action', async () => {
      const { challenge } = pkce();
      const returnTo = `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: CONSOLE_CLIENT_ID, redirect_uri: 'https://evil.example/cb', code_challenge: challenge, code_challenge_method: 'S256' })}`;
      const page = await gatehouse.http().get('/oauth2/sign-in').query({ return_to: returnTo });
      expect(page.status).toBe(200);
      expect(formAction(page)).not.toContain('evil.example');
    });

    it('still allows a registered one', async () => {
      const app = (await createClient(gatehouse, { public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid'] })).client_id;
      const { challenge } = pkce();
      const returnTo = `/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: app, redirect_uri: APP_REDIRECT, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`;
      const page = await gatehouse.http().get('/oauth2/sign-in').query({ return_to: returnTo });
      expect(formAction(page)).toContain(new URL(APP_REDIRECT).origin);
    });
  });

  describe('F2: the command line keeps its stored secret to its owner', () => {
    let home: string;
    beforeAll(async () => {
      home = await mkdtemp(join(tmpdir(), 'gatehouse-cli-review-'));
    });
    afterAll(() => rm(home, { recursive: true, force: true }));

    // writeFile followed a config.json that was a symbolic link, writing the secret to (and then
    // chmod-ing) whatever it pointed to; and an existing readable file held the new secret, readable
    // by others, until the chmod after it. The file is now written whole under a new name, owner-only
    // from its creation, and renamed into place.
    it('replaces a config.json that is a symbolic link instead of writing through it', async () => {
      const environment = { HOME: home, XDG_CONFIG_HOME: join(home, 'config') };
      await mkdir(join(home, 'config', 'gatehouse'), { recursive: true });
      const elsewhere = join(home, 'shared.txt');
      await writeFile(elsewhere, 'someone else’s file\n', { mode: 0o644 });
      await symlink(elsewhere, settingsFile(environment));
      await saveCredentials({ url: 'http://localhost:3000', clientId: 'cli', clientSecret: 'the-secret-value' }, environment);
      expect(await readFile(elsewhere, 'utf8')).toBe('someone else’s file\n');
      expect((await lstat(elsewhere)).mode & 0o777).toBe(0o644);
      const stored = await lstat(settingsFile(environment));
      expect(stored.isFile()).toBe(true);
      expect(stored.mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(settingsFile(environment), 'utf8'))).toMatchObject({ client_secret: 'the-secret-value' });
    });

    it('leaves an existing world-readable config.json owner-only', async () => {
      const environment = { HOME: home, XDG_CONFIG_HOME: join(home, 'config2') };
      await mkdir(join(home, 'config2', 'gatehouse'), { recursive: true });
      await writeFile(settingsFile(environment), '{}\n', { mode: 0o644 });
      await saveCredentials({ url: 'http://localhost:3000', clientId: 'cli', clientSecret: 'the-secret-value' }, environment);
      expect((await lstat(settingsFile(environment))).mode & 0o777).toBe(0o600);
    });
  });

  describe('F3: the command line warns before it sends a client secret over plain HTTP to another host', () => {
    // `gatehouse login --url http://auth.example.com` stored and used the root-level client secret
    // over cleartext HTTP without a word.
    it('warns for http:// to a host other than this machine, and only then', () => {
      expect(insecureUrlWarning('http://auth.example.com')).toMatch(/http:\/\/.*not encrypted|plain HTTP/i);
      expect(insecureUrlWarning('http://10.0.0.5:3000')).toBeDefined();
      for (const local of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://api.localhost', 'https://auth.example.com']) {
        expect([local, insecureUrlWarning(local)]).toEqual([local, undefined]);
      }
    });
  });

  describe('F6: an id on the command line never reaches another route', () => {
    // segment() encoded ids with encodeURIComponent, which leaves "." and ".." as they are, and URL
    // resolution (even of %2E%2E) removes them as dot segments: `gatehouse clients regenerate-secret ..`
    // became POST /api/v1/oauth/secret. Such an id cannot be named in a path at all: refused.
    it('refuses the ids that are dot segments, and keeps every other id in its own segment', () => {
      for (const id of ['.', '..']) expect(() => segment(id)).toThrow(/cannot/);
      for (const id of ['a/b', '..a', '%2e%2e', 'a?b', 'x#y']) expect(new URL(`http://h/api/v1/oauth/client/${segment(id)}/secret`).pathname).toBe(`/api/v1/oauth/client/${encodeURIComponent(id)}/secret`);
    });
  });

  describe('F5: a client that held the console\'s or /docs\' id before the server registered them keeps none of its settings', () => {
    // A database from before issues 18 and 21: any organization's administrator could create a
    // client with the id gatehouse-console or gatehouse-docs (client_id may be chosen). At the
    // next start the bootstrap rewrote that row into the first-party client but kept its access
    // token lifespan, default sub_type, ID token algorithm and client URI: a tenant chose, for
    // instance, how long every console token lives (a day rather than the default).
    let first: TestApp | undefined;
    let second: TestApp | undefined;
    afterAll(async () => {
      await first?.close();
      await second?.close();
    });

    it('the bootstrap resets every setting of a row it takes over', async () => {
      first = await startApp({ env: { PUBLIC_URL: ISSUER } });
      const organization = await createOrganization(first, { name: 'squatter-review21' });
      for (const id of [CONSOLE_CLIENT_ID, DOCS_CLIENT_ID]) {
        // As on a database from before the console and /docs clients existed.
        await first.app.get(DataSource).query('DELETE FROM oauth_client WHERE id = ?', [id]);
        await createClientIn(first, organization.name, { client_id: id, public: true, redirect_uris: ['https://squatter.example/cb'], scopes: ['openid'], access_token_lifespan: 86_400, default_sub_type: 'organization', id_token_signed_response_alg: 'ES256', client_uri: 'https://squatter.example' });
      }
      const databaseUrl = first.databaseUrl;
      await first.close();
      first = undefined;
      second = await startApp({ env: { PUBLIC_URL: ISSUER }, databaseUrl });
      const root = await tokenFor(second, ROOT);
      for (const id of [CONSOLE_CLIENT_ID, DOCS_CLIENT_ID]) {
        const client = await second.http().get(`/api/v1/oauth/client/${id}`).set('Authorization', `Bearer ${root}`);
        expect(client.status).toBe(200);
        expect([id, client.body]).toEqual([id, expect.objectContaining({ access_token_lifespan: null, default_sub_type: null, id_token_signed_response_alg: DEFAULT_ID_TOKEN_ALGORITHM, client_uri: null })]);
      }
    });

    // Open: the bootstrap moves another organization's client into the built-in organization
    // without a word (its owner loses it; rows tied to it, such as that organization's users'
    // refresh tokens and consents, stay). Whether a start should refuse, naming the client to
    // rename, or take it over as now, is the lead's call.
    it.skip('a start refuses to take over another organization\'s client with the console\'s id', () => {});
  });

  /** Attacks that failed: kept so that they keep failing. */
  describe('what held up', () => {
    const CALLBACK = `${ISSUER}/console/callback`;
    const DOCS_REDIRECT = `${ISSUER}/docs/oauth2-redirect.html`;
    const admin = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };

    /** A signed-in browser of the administrator. */
    async function signedIn(): Promise<Browser> {
      const browser = new Browser(gatehouse);
      const response = await browser.signIn(undefined);
      expect(response.status).toBe(303);
      return browser;
    }
    const request = (clientId: string, redirectUri: string, extra: Record<string, string> = {}) => ({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      scope: 'openid',
      ...extra,
    });

    it('the console and /docs skip consent for their own callback on this server', async () => {
      const browser = await signedIn();
      for (const [client, redirect] of [
        [CONSOLE_CLIENT_ID, CALLBACK],
        [DOCS_CLIENT_ID, DOCS_REDIRECT],
      ]) {
        const response = await browser.authorize(request(client, redirect));
        expect(response.status).toBe(302);
        expect(`${location(response).origin}${location(response).pathname}`).toBe(redirect);
        expect(location(response).searchParams.get('code')).toBeTruthy();
      }
    });

    it('no variant of the client id or the redirect URI gets the skip (or a code anywhere else)', async () => {
      const browser = await signedIn();
      const variants = [
        `${CALLBACK}/`,
        `${CALLBACK}?x=1`,
        `${CALLBACK}#x`,
        CALLBACK.replace('http:', 'https:'),
        CALLBACK.toUpperCase(),
        `${ISSUER}/console/%63allback`,
        `${ISSUER}/console/./callback`,
        `${ISSUER}/x/../console/callback`,
        'http://127.0.0.1:3921/console/callback',
        `https://evil.example/console/callback`,
        `http://localhost:3921.evil.example/console/callback`,
        `http://localhost:3921@evil.example/console/callback`,
      ];
      for (const redirect of variants) {
        const response = await browser.authorize(request(CONSOLE_CLIENT_ID, redirect));
        expect([redirect, response.status, response.headers.location]).toEqual([redirect, 400, undefined]);
      }
      for (const client of ['GATEHOUSE-CONSOLE', 'Gatehouse-Console', 'gatehouse-console ', 'gatehouse-console%00', 'GATEHOUSE-DOCS']) {
        const response = await browser.authorize(request(client, CALLBACK));
        expect([client, response.status, response.headers.location]).toEqual([client, 400, undefined]);
      }
    });

    it('another client, even with the console’s callback registered or a look-alike id, asks for consent', async () => {
      const browser = await signedIn();
      const builtIn = (await createClient(gatehouse, { public: true, redirect_uris: [CALLBACK, DOCS_REDIRECT], scopes: ['openid'] })).client_id;
      const organization = await createOrganization(gatehouse, { name: 'acme-review21' });
      const lookAlike = (await createClientIn(gatehouse, organization.name, { client_id: 'GATEHOUSE-CONSOLE', public: true, redirect_uris: [CALLBACK], scopes: ['openid'] }).catch(() => ({ client_id: undefined }))).client_id;
      for (const [client, redirect] of [
        [builtIn, CALLBACK],
        [builtIn, DOCS_REDIRECT],
      ]) {
        const response = await browser.authorize(request(client, redirect));
        expect([client, response.status]).toEqual([client, 200]);
        expect(response.text).toContain('wants to access your account');
      }
      if (lookAlike !== undefined) {
        // On SQLite the id differs by case only; the administrator is no member of that organization.
        const response = await browser.authorize(request(lookAlike, CALLBACK));
        expect(response.headers.location ?? '').not.toMatch(/[?&]code=/);
      }
      // The console's client through another organization's realm path is another realm's unknown application.
      const realm = await browser.authorize(request(CONSOLE_CLIENT_ID, CALLBACK), `/realms/${organization.name}/protocol/openid-connect/auth`);
      expect(realm.status).toBe(400);
    });

    it('the console and /docs clients cannot be changed, given a secret, or deleted through the API', async () => {
      const root = await tokenFor(gatehouse, ROOT);
      for (const client of [CONSOLE_CLIENT_ID, DOCS_CLIENT_ID]) {
        const auth = { Authorization: `Bearer ${root}` };
        expect((await gatehouse.http().put(`/api/v1/oauth/client/${client}`).set(auth).send({ redirect_uris: ['https://evil.example/cb'] })).status).toBe(403);
        expect((await gatehouse.http().put(`/api/v1/oauth/client/${client}/scope`).set(auth).send(['openid'])).status).toBe(403);
        expect((await gatehouse.http().post(`/api/v1/oauth/client/${client}/secret`).set(auth)).status).toBe(403);
        expect((await gatehouse.http().post(`/api/v1/oauth/client/${client}/not-before`).set(auth)).status).toBe(403);
        expect((await gatehouse.http().put(`/api/v1/oauth/client/${client}/permissions`).set(auth).send([])).status).toBe(403);
        expect((await gatehouse.http().delete(`/api/v1/oauth/client/${client}`).set(auth)).status).toBe(403);
        // RFC 7592: they have no registration access token, so nothing opens their registration.
        expect((await gatehouse.http().delete(`/v1/oauth2/register/${client}`).set('Authorization', 'Bearer grat_x')).status).toBe(401);
      }
    });

    it('/console serves its build only: no path leaves it', async () => {
      const index = await gatehouse.http().get('/console');
      for (const path of ['/console/../package.json', '/console/%2e%2e/package.json', '/console/..%2fpackage.json', '/console/%2e%2e%2f%2e%2e%2fpackage.json', '/console/assets/..%2f..%2f..%2fpackage.json', '/console/..%5cpackage.json', '/console/%00', '/console/index.html%00.js']) {
        const response = await gatehouse.http().get(path);
        expect([path, response.text.includes('"name": "gatehouse"') || response.text.includes('"dependencies"')]).toEqual([path, false]);
        expect([path, response.status < 500]).toEqual([path, true]);
        if (response.status === 200) expect(response.text).toBe(index.text);
      }
    });

    it('the consents API answers odd client ids with a 404, never a 500', async () => {
      const manager = (await createClient(gatehouse, { public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'consent:personal'] })).client_id;
      const token = (await userTokens(gatehouse, { clientId: manager, scope: 'openid consent:personal', person: admin })).access_token!;
      for (const id of ['%FF', '%00', '%F0%9F%98%80', '%20', 'a%2Fb', '..', '%25', `${'é'.repeat(64)}`, encodeURIComponent("' OR 1=1 --")]) {
        const response = await gatehouse.http().delete(`/api/v1/users/me/consents/${id}`).set('Authorization', `Bearer ${token}`);
        expect([id, response.status < 500]).toEqual([id, true]);
      }
      // Its own consent stands after all of them.
      expect((await gatehouse.http().get('/api/v1/users/me/consents').set('Authorization', `Bearer ${token}`)).body).toHaveLength(1);
    });

    it('"not you?" signs out and returns to a sign-in for the same request only: return_to cannot leave Gatehouse', async () => {
      const browser = await signedIn();
      const page = await browser.agent.get('/oauth2/sign-in');
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1]!;
      for (const returnTo of ['//evil.example/x', '/\\evil.example', 'https://evil.example', '/oauth2/authorize/..//evil.example?x', '/oauth2/account/../..//evil.example', '/oauth2/authorize?\\x', '/oauth2/authorize?x\r\nLocation: https://evil.example']) {
        const response = await browser.agent.post('/oauth2/sign-out').type('form').send({ csrf_token: csrf, return_to: returnTo });
        expect([returnTo, response.status]).toEqual([returnTo, 400]);
      }
      // Without the CSRF token nobody is signed out from another site.
      expect((await browser.agent.post('/oauth2/sign-out').type('form').send({ return_to: '/oauth2/account' })).status).toBe(403);
    });
  });
});
