import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Browser, location } from '../support/browser.js';
import { type Credentials } from '../support/oauth.js';
import { API_SCOPE, CallbackServer, type IssuerKind, ISSUER_KINDS, type IssuerUnderTest, InteropServer } from './interop-server.js';

/**
 * Gatehouse driven by Python's OAuth client libraries as Debian packages them (python3-authlib,
 * python3-requests-oauthlib; .ci/run installs them), run by Debian's /usr/bin/python3 as separate
 * processes over real HTTP, against the server-wide issuer and a realm issuer. The scripts in
 * ./python/ are written the way an app's developer would use each library; this file hands them
 * their configuration, plays the person's part in the browser (signing in and consenting over
 * HTTP), and checks the JSON they print.
 */

const PYTHON = '/usr/bin/python3';
const SCRIPTS = resolve('test/interop/python');
const hasLibraries = spawnSync(PYTHON, ['-c', 'import authlib, requests_oauthlib'], { stdio: 'ignore' }).status === 0;
const pythonIt = hasLibraries ? it : it.skip;
if (!hasLibraries) console.warn(`SKIPPED: the Python interop tests need ${PYTHON} with python3-authlib and python3-requests-oauthlib (apt-get install python3-authlib python3-requests-oauthlib); .ci/run installs them.`);

const SCOPE = 'openid email profile';

let server: InteropServer;
let callbacks: CallbackServer;

beforeAll(async () => {
  [server, callbacks] = await Promise.all([InteropServer.start(), CallbackServer.start()]);
}, 60_000);
afterAll(async () => {
  await callbacks?.close();
  await server?.close();
});

type Result = Record<string, unknown>;

/**
 * Runs a script's flow with `settings`; when it prints an authorization URL, the person signs in
 * and consents in a browser of their own and the script is told where the browser came back to.
 * Answers the script's last JSON line; rejects with its stderr if it fails.
 */
function runScript(script: string, flow: string, settings: Record<string, string>, person?: IssuerUnderTest['person']): Promise<Result> {
  const child = spawn(PYTHON, [resolve(SCRIPTS, script), flow, JSON.stringify(settings)], {
    // Plain http to 127.0.0.1: both libraries refuse it unless told this is a test setup.
    env: { PATH: process.env.PATH ?? '', AUTHLIB_INSECURE_TRANSPORT: '1', OAUTHLIB_INSECURE_TRANSPORT: '1', PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let handled = 0;
  let browserStep: Promise<void> = Promise.resolve();
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = stdout.split('\n').slice(0, -1);
    for (const line of lines.slice(handled)) {
      handled += 1;
      const message = JSON.parse(line) as { authorization_url?: string };
      if (message.authorization_url === undefined) continue;
      browserStep = personApproves(new URL(message.authorization_url), person!).then(
        (callback) => void child.stdin.end(`${callback}\n`),
        (error: unknown) => {
          child.kill();
          throw error;
        },
      );
      // Read when the script ends (below); marked handled now so an early failure is no stray rejection.
      browserStep.catch(() => undefined);
    }
  });
  return new Promise((resolveResult, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      void browserStep.then(
        () => {
          if (code !== 0) return reject(new Error(`${script} ${flow} exited with ${code}:\n${stderr}`));
          const lines = stdout.trim().split('\n');
          resolveResult(JSON.parse(lines[lines.length - 1]!) as Result);
        },
        (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
  });
}

/** The person signs in and allows the app in a fresh cookie-keeping browser; answers the URL it was sent back to. */
async function personApproves(authorizationUrl: URL, person: IssuerUnderTest['person']): Promise<string> {
  const response = await new Browser(server.gatehouse).authorizeAndDecide(Object.fromEntries(authorizationUrl.searchParams), 'allow', authorizationUrl.pathname, person);
  // 302 from the authorization endpoint (consent remembered), 303 after the consent form.
  if (response.status !== 302 && response.status !== 303) throw new Error(`authorization ended with ${response.status}: ${response.text}`);
  return location(response).href;
}

describe.each(ISSUER_KINDS)('Python clients against %s', (kind: IssuerKind) => {
  let issuer: IssuerUnderTest;
  let app: Credentials;
  const settings = (extra: Record<string, string> = {}) => ({ issuer: issuer.issuer, client_id: app.client_id, client_secret: app.client_secret, ...extra });

  beforeAll(async () => {
    issuer = server.issuers[kind];
    app = await issuer.createClient({ name: 'Python app', redirect_uris: [callbacks.url()], scopes: ['openid', 'email', 'profile', API_SCOPE] });
  });

  pythonIt('requests-oauthlib: discovery and a client-credentials token (BackendApplicationClient)', async () => {
    const result = await runScript('requests_oauthlib_client.py', 'client_credentials', settings({ scope: API_SCOPE }));
    expect(result).toMatchObject({ issuer: issuer.issuer, token_type: 'Bearer', scope: API_SCOPE, expires_in: expect.any(Number) });
  });

  pythonIt('requests-oauthlib: code + PKCE with state, userinfo, refresh', async () => {
    const result = await runScript('requests_oauthlib_client.py', 'code', settings({ redirect_uri: callbacks.url(), scope: SCOPE }), issuer.person);
    expect(result).toMatchObject({
      issuer: issuer.issuer,
      state_checked: true,
      token_type: 'Bearer',
      scope: SCOPE,
      has_id_token: true,
      userinfo: { email: issuer.person.email, name: issuer.person.name },
      refreshed: true,
      refresh_token_rotated: true,
      userinfo_after_refresh: { email: issuer.person.email },
    });
  });
});

describe.each(ISSUER_KINDS)('Authlib, which reads expires_at as seconds since the epoch (Debian authlib 1.2 calls int() on it), %s', (kind: IssuerKind) => {
  let issuer: IssuerUnderTest;
  let app: Credentials;

  beforeAll(async () => {
    issuer = server.issuers[kind];
    app = await issuer.createClient({ name: 'Authlib app', redirect_uris: [callbacks.url()], scopes: ['openid', 'email', 'profile', API_SCOPE, 'token:introspect'] });
  });

  pythonIt('authlib: discovery, a client-credentials token, introspection and revocation', async () => {
    const result = await runScript('authlib_client.py', 'client_credentials', { issuer: issuer.issuer, client_id: app.client_id, client_secret: app.client_secret, scope: API_SCOPE });
    expect(result).toMatchObject({ issuer: issuer.issuer, token_type: 'Bearer', scope: API_SCOPE, expired: false });
    expect(result.expires_at).toEqual(expect.any(Number));
    expect(result.introspection_before_revocation).toMatchObject({ active: true, client_id: app.client_id, scope: API_SCOPE, iss: issuer.issuer });
    expect(result.introspection_after_revocation).toEqual({ active: false });
  });

  pythonIt('authlib: code + PKCE with state and nonce, ID token validated against the JWKS, userinfo, refresh', async () => {
    const started = Math.floor(Date.now() / 1000);
    const result = await runScript('authlib_client.py', 'code', { issuer: issuer.issuer, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: callbacks.url(), scope: SCOPE }, issuer.person);
    expect(result).toMatchObject({
      issuer: issuer.issuer,
      state_checked: true,
      id_token_claims: { iss: issuer.issuer, aud: app.client_id, email: issuer.person.email },
      userinfo: { email: issuer.person.email, name: issuer.person.name },
      refreshed: true,
      refreshed_expired: false,
      userinfo_after_refresh: { email: issuer.person.email },
    });
    expect(['RS256', 'ES256']).toContain(result.id_token_alg);
    for (const field of ['expires_at', 'refreshed_expires_at']) {
      expect(result[field]).toEqual(expect.any(Number));
      expect(result[field]).toBeGreaterThan(started);
    }
  });
});
