import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { hiddenFields } from './support/browser.js';
import { freePort, runServer, type ServerProcess } from './support/server-process.js';
import { emptyDatabaseUrl, TEST_PASSWORD_HASH_COST } from './support/test-app.js';

const CLI = resolve('dist/cli/main.js');
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `gatehouse` binary as a script would: its own process, only the environment
 * given (a private XDG_CONFIG_HOME and HOME), `input` on stdin.
 */
function gatehouse(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: configHome, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A command that never reads stdin (--help, say) may exit before the write lands: EPIPE then is no failure of it.
  child.stdin.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  child.stdin.end(options.input ?? '');
  return new Promise((resolveRun) => child.on('close', (code) => resolveRun({ code, stdout, stderr })));
}

async function json<T>(args: string[], options?: Parameters<typeof gatehouse>[1]): Promise<T> {
  const run = await gatehouse([...args, '--json'], options);
  if (run.code !== 0) throw new Error(`gatehouse ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

const home = mkdtempSync(join(tmpdir(), 'gatehouse-cli-home-'));
const configHome = join(home, 'xdg');
const configFile = join(configHome, 'gatehouse', 'config.json');

let databaseUrl: string;
/** The operator commands' environment: the server's configuration, as an operator would give it. */
const operatorEnv = () => ({ DATABASE_URL: databaseUrl, PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST });
let migrateRuns: Run[];
let root: { client_id: string; client_secret: string };
let rootRun: Run;
let server: ServerProcess;
let url: string;

beforeAll(async () => {
  databaseUrl = await emptyDatabaseUrl();
  // Operator commands before any server has touched the database: an empty one is migrated, then a root client made.
  migrateRuns = [await gatehouse(['migrate'], { env: operatorEnv() }), await gatehouse(['migrate', '--json'], { env: operatorEnv() })];
  rootRun = await gatehouse(['create-root-client', '--json'], { env: operatorEnv() });
  root = JSON.parse(rootRun.stdout) as typeof root;
  server = runServer({ DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST });
  url = `http://127.0.0.1:${await server.listening}`;
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('gatehouse operator commands on an empty database', () => {
  it('migrate applies every migration to an empty database, then finds nothing to do', () => {
    expect(migrateRuns[0]).toMatchObject({ code: 0, stderr: '' });
    expect(migrateRuns[0]!.stdout).toMatch(/^Applied \d+ migrations:\n {2}InitialSchema\d+\n/);
    expect(migrateRuns[1]).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(migrateRuns[1]!.stdout)).toEqual({ applied: [] });
  });

  it('create-root-client prints credentials that the server accepts, the secret on stdout only', async () => {
    expect(rootRun.code).toBe(0);
    expect(root.client_id).toMatch(/^root-/);
    expect(occurrences(rootRun.stdout, root.client_secret)).toBe(1);
    expect(rootRun.stderr).not.toContain(root.client_secret);
    // The server kept it (no OAUTH_ROOT_CLIENT_ID): it generated none of its own.
    expect(server.stdout()).not.toContain('OAUTH_ROOT_CLIENT_SECRET=');
    const token = await gatehouse(['token'], { env: { GATEHOUSE_URL: url, GATEHOUSE_CLIENT_ID: root.client_id, GATEHOUSE_CLIENT_SECRET: root.client_secret } });
    expect(token).toMatchObject({ code: 0, stderr: '' });
    expect(token.stdout.trim()).toMatch(JWT);
  });

  it('refuses an invalid configuration as bad usage, with the one-line reasons and no stack trace', async () => {
    const run = await gatehouse(['migrate'], { env: { ...operatorEnv(), PORT: 'abc' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^gatehouse: Invalid configuration/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('gatehouse login, config and token', () => {
  it('refuses wrong credentials with exit code 3, keeps the secret out of the error and stores nothing', async () => {
    const wrong = 'not-the-secret-0123456789';
    const run = await gatehouse(['login', '--url', url, '--client-id', root.client_id], { input: `${wrong}\n` });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^gatehouse: Authentication failed: invalid_client/);
    expect(run.stderr).not.toContain(wrong);
    expect(existsSync(configFile)).toBe(false);
  });

  it('says "not logged in" with exit code 3 before login', async () => {
    const run = await gatehouse(['clients', 'list']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Not logged in');
  });

  it('stores the credentials in a file only its owner can read, and never lists the secret', async () => {
    const login = await gatehouse(['login', '--url', `${url}/`, '--client-id', root.client_id], { input: `${root.client_secret}\n` });
    expect(login).toMatchObject({ code: 0, stderr: '' });
    expect(login.stdout).not.toContain(root.client_secret);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, 'gatehouse')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({ url, client_id: root.client_id, client_secret: root.client_secret });
    const shown = await gatehouse(['config']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(root.client_id);
    expect(shown.stdout).not.toContain(root.client_secret);
    expect(await json(['config'])).toEqual({ url, client_id: root.client_id, source: configFile });
  });

  it('token prints a fresh access token and nothing else; --json the whole token response', async () => {
    const run = await gatehouse(['token']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const scoped = await json<{ access_token: string; token_type: string; scope: string }>(['token', '--scope', 'client:read,audit:read']);
    expect(scoped.token_type).toBe('Bearer');
    expect(scoped.scope.split(' ').sort()).toEqual(['audit:read', 'client:read']);
  });

  it('takes the credentials from GATEHOUSE_URL, GATEHOUSE_CLIENT_ID and GATEHOUSE_CLIENT_SECRET, and refuses bad ones with exit code 3', async () => {
    const env = { GATEHOUSE_URL: url, GATEHOUSE_CLIENT_ID: root.client_id, GATEHOUSE_CLIENT_SECRET: root.client_secret, XDG_CONFIG_HOME: join(home, 'elsewhere') };
    expect((await gatehouse(['orgs', 'list'], { env })).code).toBe(0);
    const bad = await gatehouse(['orgs', 'list'], { env: { ...env, GATEHOUSE_CLIENT_SECRET: 'wrong-secret-abcdef' } });
    expect(bad.code).toBe(3);
    expect(bad.stderr).not.toContain('wrong-secret-abcdef');
    const unknown = await gatehouse(['token'], { env: { ...env, GATEHOUSE_CLIENT_ID: 'no-such-client' } });
    expect(unknown.code).toBe(3);
  });

  it('exits with 4 when the server cannot be reached', async () => {
    const run = await gatehouse(['clients', 'list'], { env: { GATEHOUSE_URL: `http://127.0.0.1:${await freePort()}` } });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^gatehouse: Cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\n$/);
  });
});

describe("README's 'Command line' block", () => {
  const MARKER = '<!-- The block below is run as it stands by test/cli.e2e-spec.ts. -->';

  it('runs as written, with `gatehouse` on PATH, against the server', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(MARKER)))![1]!;
    expect(readme).toContain(MARKER);
    // `gatehouse` as an installed package's bin runs it: the built file, with this Node.
    const bin = mkdtempSync(join(tmpdir(), 'gatehouse-cli-bin-'));
    writeFileSync(join(bin, 'gatehouse'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'gatehouse'), 0o755);
    const reader = mkdtempSync(join(tmpdir(), 'gatehouse-cli-reader-'));
    const { stdout } = await promisify(execFile)('bash', ['--norc', '--noprofile', '-c', `set -euo pipefail\n${block}`], {
      cwd: reader,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: reader, XDG_CONFIG_HOME: join(reader, 'config'), GATEHOUSE: url, OAUTH_ROOT_CLIENT_ID: root.client_id, OAUTH_ROOT_CLIENT_SECRET: root.client_secret },
      timeout: 60_000,
    });
    expect(stdout.trim().split('\n').at(-1)).toBe('billing');
    expect(readFileSync(join(reader, 'billing.secret'), 'utf8')).toMatch(/^[\w-]{20,}\n$/);
    expect(statSync(join(reader, 'config', 'gatehouse', 'config.json')).mode & 0o777).toBe(0o600);
  }, 60_000);
});

describe('gatehouse clients', () => {
  interface Client {
    client_id: string;
    name: string | null;
    scopes: string[];
    disabled: boolean;
  }

  it('create, list, show, token, regenerate-secret, update and delete; each secret printed once, on stdout', async () => {
    const create = await gatehouse(['clients', 'create', '--name', 'ci', '--scope', 'client:read', '--scope', 'audit:read', '--json']);
    expect(create.code).toBe(0);
    const created = JSON.parse(create.stdout) as { client_id: string; client_secret: string };
    expect(occurrences(create.stdout, created.client_secret)).toBe(1);
    expect(create.stderr).not.toContain(created.client_secret);
    expect(create.stderr).toContain('only time');

    const table = await gatehouse(['clients', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(/^CLIENT ID\s+NAME\s+ORGANIZATION\s+DISABLED\s+SCOPES$/);
    // The organization by its name (the root client reads organizations).
    expect(table.stdout).toMatch(new RegExp(`^${created.client_id}\\s+ci\\s+default\\s+no\\s+client:read,audit:read$`, 'm'));
    expect(table.stdout).not.toContain(created.client_secret);
    // A caller that may read clients but not organizations sees the organization's id instead.
    const asCi = await gatehouse(['clients', 'list'], { env: { GATEHOUSE_URL: url, GATEHOUSE_CLIENT_ID: created.client_id, GATEHOUSE_CLIENT_SECRET: created.client_secret, XDG_CONFIG_HOME: join(home, 'as-ci') } });
    expect(asCi.code).toBe(0);
    expect(asCi.stdout).toMatch(new RegExp(`^${created.client_id}\\s+ci\\s+[0-9a-f-]{36}\\s+no\\s`, 'm'));
    const page = await json<{ items: Client[]; total: number }>(['clients', 'list']);
    expect(page.items.map((client) => client.client_id)).toContain(created.client_id);
    expect(JSON.stringify(page)).not.toContain(created.client_secret);

    expect(await json<Client>(['clients', 'show', created.client_id])).toMatchObject({ client_id: created.client_id, name: 'ci', scopes: ['client:read', 'audit:read'], disabled: false });
    const shown = await gatehouse(['clients', 'show', created.client_id]);
    expect(shown.stdout).toMatch(/^client_id:\s+\S+$/m);

    const token = await gatehouse(['clients', 'token', created.client_id, '--scope', 'audit:read'], { input: `${created.client_secret}\n` });
    expect(token).toMatchObject({ code: 0, stderr: '' });
    expect(token.stdout.trim()).toMatch(JWT);

    const regenerate = await gatehouse(['clients', 'regenerate-secret', created.client_id]);
    expect(regenerate.code).toBe(0);
    const secret = /^client_secret:\s+(\S+)$/m.exec(regenerate.stdout)![1]!;
    expect(secret).not.toBe(created.client_secret);
    expect(occurrences(regenerate.stdout, secret)).toBe(1);
    expect(regenerate.stderr).not.toContain(secret);
    const old = await gatehouse(['clients', 'token', created.client_id], { input: `${created.client_secret}\n` });
    expect(old.code).toBe(3);
    expect(old.stdout).toBe('');
    expect(old.stderr).not.toContain(created.client_secret);
    expect((await gatehouse(['clients', 'token', created.client_id], { input: secret })).code).toBe(0);

    const updated = await json<Client>(['clients', 'update', created.client_id, '--name', 'ci-2', '--disable']);
    expect(updated).toMatchObject({ name: 'ci-2', disabled: true, scopes: ['client:read', 'audit:read'] });
    expect((await gatehouse(['clients', 'token', created.client_id], { input: secret })).code).toBe(3);
    expect((await json<Client>(['clients', 'update', created.client_id, '--enable'])).disabled).toBe(false);

    const deleted = await gatehouse(['clients', 'delete', created.client_id]);
    expect(deleted).toMatchObject({ code: 0, stdout: `Deleted client ${created.client_id}.\n` });
    const gone = await gatehouse(['clients', 'show', created.client_id]);
    expect(gone).toMatchObject({ code: 1, stdout: '', stderr: `gatehouse: No client with id ${created.client_id}\n` });
  });

  it("answers an unknown client and the API's refusals with exit code 1 and the API's message", async () => {
    for (const args of [
      ['clients', 'show', 'no-such-client'],
      ['clients', 'delete', 'no-such-client'],
      ['clients', 'regenerate-secret', 'no-such-client'],
    ]) {
      const run = await gatehouse(args);
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 1, stderr: 'gatehouse: No client with id no-such-client\n' });
    }
    const invalid = await gatehouse(['clients', 'create', '--scope', 'no:such-scope']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^gatehouse: .*no:such-scope/);
    expect(invalid.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('gatehouse orgs and projects', () => {
  it('create, list, show, update and delete an organization, and its projects', async () => {
    const organization = await json<{ id: string; name: string; display_name: string; oauth_enabled: boolean }>(['orgs', 'create', 'globex', '--display-name', 'Globex Corp', '--oauth-enabled', 'false']);
    expect(organization).toMatchObject({ name: 'globex', display_name: 'Globex Corp', oauth_enabled: false });
    expect((await json<{ name: string }[]>(['orgs', 'list'])).map(({ name }) => name)).toEqual(expect.arrayContaining(['default', 'globex']));
    expect((await gatehouse(['orgs', 'list'])).stdout).toMatch(/^globex\s+Globex Corp\s+disabled\s+\S+$/m);
    expect(await json(['orgs', 'show', 'globex'])).toMatchObject({ id: organization.id });
    expect(await json(['orgs', 'update', 'globex', '--oauth-enabled', 'true', '--display-name', 'Globex'])).toMatchObject({ oauth_enabled: true, display_name: 'Globex' });

    const project = await json<{ id: string; name: string; scope: string }>(['projects', 'create', 'web', '--org', 'globex', '--description', 'The web shop']);
    expect(project).toMatchObject({ name: 'web', scope: `project-${project.id}` });
    expect(await json(['projects', 'list', '--org', 'globex'])).toEqual([expect.objectContaining({ id: project.id })]);
    expect((await gatehouse(['projects', 'list', '--org', 'globex'])).stdout).toMatch(new RegExp(`^${project.id}\\s+web\\s+project-`, 'm'));
    expect((await gatehouse(['projects', 'delete', project.id, '--org', 'globex'])).code).toBe(0);
    expect(await json(['projects', 'list', '--org', 'globex'])).toEqual([]);

    expect((await gatehouse(['orgs', 'delete', 'globex'])).stdout).toBe('Deleted organization globex.\n');
    expect((await gatehouse(['orgs', 'show', 'globex'])).code).toBe(1);
  });
});

describe('gatehouse users, keys and audit', () => {
  it('users create (a generated password printed once), list, disable and enable by email or id', async () => {
    const create = await gatehouse(['users', 'create', 'dave@example.com', '--name', 'Dave', '--json']);
    expect(create.code).toBe(0);
    const dave = JSON.parse(create.stdout) as { id: string; email: string; password: string; disabled: boolean };
    expect(dave).toMatchObject({ email: 'dave@example.com', disabled: false });
    expect(dave.password.length).toBeGreaterThanOrEqual(16);
    expect(create.stderr).not.toContain(dave.password);
    const chosen = await json<{ email: string; password?: string }>(['users', 'create', 'erin@example.com', '--password-stdin'], { input: 'erin passphrase\n' });
    expect(chosen.email).toBe('erin@example.com');
    expect(chosen.password).toBeUndefined();

    const page = await json<{ items: { email: string }[] }>(['users', 'list']);
    expect(page.items.map(({ email }) => email)).toEqual(expect.arrayContaining(['dave@example.com', 'erin@example.com']));
    expect((await gatehouse(['users', 'list'])).stdout).toMatch(new RegExp(`^${dave.id}\\s+dave@example\\.com\\s+Dave\\s+no\\s`, 'm'));
    const disabled = await gatehouse(['users', 'disable', 'dave@example.com']);
    expect(disabled).toMatchObject({ code: 0, stdout: `Disabled user dave@example.com (${dave.id}).\n` });
    expect(await json(['users', 'enable', dave.id])).toMatchObject({ id: dave.id, disabled: false });
    expect((await gatehouse(['users', 'disable', 'nobody@example.com'])).code).toBe(1);
  });

  it('keys list and rotate', async () => {
    const before = await json<{ kid: string; alg: string; status: string }[]>(['keys', 'list']);
    expect(before.filter(({ alg, status }) => alg === 'ES256' && status === 'active')).toHaveLength(1);
    const rotated = await json<{ kid: string; alg: string; status: string }>(['keys', 'rotate', '--alg', 'ES256']);
    expect(rotated).toMatchObject({ alg: 'ES256', status: 'active' });
    expect(before.map(({ kid }) => kid)).not.toContain(rotated.kid);
    expect((await gatehouse(['keys', 'list'])).stdout).toMatch(new RegExp(`^${rotated.kid}\\s+ES256\\s+active\\s`, 'm'));
  });

  it('audit filters by actor, target, action, time and limit', async () => {
    const created = await json<{ client_id: string }>(['clients', 'create', '--name', 'audited', '--scope', 'client:read']);
    type Page = { events: { action: string; actor: { id: string }; target: { id: string }; occurred_at: string }[]; next_cursor: string | null };
    const byTarget = await json<Page>(['audit', '--target', created.client_id]);
    expect(byTarget.events.map(({ action }) => action)).toEqual(['client.created']);
    expect(byTarget.events[0]!.actor.id).toBe(root.client_id);
    const byAction = await json<Page>(['audit', '--action', 'client.created', '--actor', root.client_id]);
    expect(byAction.events.length).toBeGreaterThanOrEqual(1);
    expect(byAction.events.every(({ action, actor }) => action === 'client.created' && actor.id === root.client_id)).toBe(true);
    const limited = await json<Page>(['audit', '--limit', '1']);
    expect(limited.events).toHaveLength(1);
    expect(limited.next_cursor).not.toBeNull();
    const when = byTarget.events[0]!.occurred_at;
    expect((await json<Page>(['audit', '--target', created.client_id, '--since', when])).events).toHaveLength(1);
    expect((await json<Page>(['audit', '--target', created.client_id, '--until', when])).events).toHaveLength(0);
    const table = await gatehouse(['audit', '--target', created.client_id]);
    expect(table.stdout).toMatch(new RegExp(`^\\S+\\s+client:${root.client_id}\\s+client\\.created\\s+client:${created.client_id}\\s`, 'm'));
  });
});

describe('gatehouse usage and help', () => {
  it('answers bad usage with exit code 2 and a message on stderr', async () => {
    for (const args of [
      ['bogus'],
      ['clients'],
      ['clients', 'bogus'],
      ['clients', 'list', '--size', '0'],
      ['clients', 'show'],
      ['clients', 'update', 'some-client'],
      ['clients', 'update', 'some-client', '--disable', '--enable'],
      ['projects', 'list'],
      ['orgs', 'update', 'globex', '--oauth-enabled', 'maybe'],
      ['keys', 'rotate', '--alg', 'HS256'],
      ['audit', '--since', 'last tuesday'],
      ['token', '--unknown-option'],
    ]) {
      const run = await gatehouse(args);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr.length).toBeGreaterThan(0);
    }
  });

  it('--help documents every command, the exit codes and the credentials; every command has its own help', async () => {
    const help = await gatehouse(['--help']);
    expect(help.code).toBe(0);
    for (const text of ['Exit codes:', '3  authentication failed', '4  the server could not be reached', 'GATEHOUSE_CLIENT_SECRET', 'XDG_CONFIG_HOME', '--json']) expect(help.stdout).toContain(text);
    const commands: Record<string, string[]> = {
      login: [],
      logout: [],
      config: [],
      token: [],
      clients: ['list', 'create', 'show', 'update', 'regenerate-secret', 'token', 'delete'],
      orgs: ['list', 'create', 'show', 'update', 'delete'],
      projects: ['list', 'create', 'delete'],
      users: ['list', 'create', 'disable', 'enable'],
      keys: ['list', 'rotate'],
      audit: [],
      migrate: [],
      'reset-admin-password': [],
      'create-root-client': [],
    };
    for (const [command, subcommands] of Object.entries(commands)) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
      const own = await gatehouse([command, '--help']);
      expect({ command, code: own.code }).toEqual({ command, code: 0 });
      expect(own.stdout).toContain(`Usage: gatehouse ${command}`);
      for (const subcommand of subcommands) {
        expect(own.stdout).toMatch(new RegExp(`^  ${subcommand}\\b`, 'm'));
        const sub = await gatehouse([command, subcommand, '--help']);
        expect({ command, subcommand, code: sub.code }).toEqual({ command, subcommand, code: 0 });
        expect(sub.stdout).toContain(`Usage: gatehouse ${command} ${subcommand}`);
      }
    }
  }, 60_000);
});

describe('gatehouse operator commands on a running server', () => {
  it('reset-admin-password prints a new password once, with which the administrator signs in', async () => {
    const generated = /ADMIN_PASSWORD=(\S+)/.exec(server.stdout())![1]!;
    const run = await gatehouse(['reset-admin-password'], { env: operatorEnv() });
    expect(run.code).toBe(0);
    const password = /^password:\s+(\S+)$/m.exec(run.stdout)![1]!;
    expect(occurrences(run.stdout, password)).toBe(1);
    expect(run.stderr).not.toContain(password);
    const signIn = async (secret: string) => {
      const browser = request.agent(url);
      const form = await browser.get('/oauth2/sign-in');
      return (await browser.post('/oauth2/sign-in').type('form').send({ ...hiddenFields(form.text), email: 'admin@gatehouse.local', password: secret })).status;
    };
    expect(await signIn(password)).toBe(303);
    expect(await signIn(generated)).not.toBe(303);

    const chosen = await gatehouse(['reset-admin-password', '--password-stdin'], { env: operatorEnv(), input: 'a chosen passphrase\n' });
    expect(chosen).toMatchObject({ code: 0, stdout: 'Password of admin@gatehouse.local changed.\n' });
    expect(await signIn('a chosen passphrase')).toBe(303);
    const tooShort = await gatehouse(['reset-admin-password', '--password-stdin'], { env: operatorEnv(), input: 'short\n' });
    expect(tooShort.code).toBe(2);
  });

  it('create-root-client refuses when OAUTH_ROOT_CLIENT_ID is set; otherwise replaces the root client', async () => {
    const refused = await gatehouse(['create-root-client'], { env: { ...operatorEnv(), OAUTH_ROOT_CLIENT_ID: 'root-x', OAUTH_ROOT_CLIENT_SECRET: 'x'.repeat(32) } });
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toContain('OAUTH_ROOT_CLIENT_ID is set');

    const run = await gatehouse(['create-root-client'], { env: operatorEnv() });
    expect(run.code).toBe(0);
    const id = /^client_id:\s+(\S+)$/m.exec(run.stdout)![1]!;
    const secret = /^client_secret:\s+(\S+)$/m.exec(run.stdout)![1]!;
    expect(run.stderr).not.toContain(secret);
    const env = { GATEHOUSE_URL: url, GATEHOUSE_CLIENT_ID: id, GATEHOUSE_CLIENT_SECRET: secret };
    expect((await gatehouse(['keys', 'list'], { env })).code).toBe(0);
  });
});
