import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from '@jest/globals';
import { emptyDatabaseUrl, isMariaDb } from './support/test-app.js';
import { runServer, type ServerProcess } from './support/server-process.js';

/** What a newcomer sees on `npm start`, and what an operator's log collector gets in production. */
describe('the first minute: start-up output', () => {
  const servers: ServerProcess[] = [];
  const run = (env: Record<string, string>) => {
    const server = runServer(env);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });
  const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

  it('in development, is a short text for a person: the credentials and the URLs stand out, one line per request, no route table', async () => {
    const server = run({ NODE_ENV: 'development', DATABASE_URL: await emptyDatabaseUrl() });
    const port = await server.listening;
    await server.output(/Stop it with Ctrl-C/);
    const secret = /OAUTH_ROOT_CLIENT_SECRET=(\S+)/.exec(server.stdout())![1]!;
    const id = /OAUTH_ROOT_CLIENT_ID=(\S+)/.exec(server.stdout())![1]!;
    const token = await fetch(`http://127.0.0.1:${port}/api/v1/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }) });
    expect(token.status).toBe(200);
    await fetch(`http://127.0.0.1:${port}/no/such/path?client_secret=${secret}`);
    await server.output(/GET \/no\/such\/path 404/);

    const stdout = server.stdout();
    // Nothing of Nest's module and route chatter, and no JSON.
    expect(stdout).not.toContain('Mapped {');
    expect(stdout).not.toContain('dependencies initialized');
    for (const line of lines(stdout)) expect(line).not.toMatch(/^\{/);
    expect(lines(stdout).length).toBeLessThan(40);
    // The credentials and the places to go.
    expect(stdout).toMatch(/ADMIN_EMAIL=admin@gatehouse\.local\n\s+ADMIN_PASSWORD=\S+\n/);
    expect(stdout).toContain('Gatehouse is ready at http://localhost:0');
    expect(stdout).toMatch(/Console +http:\/\/localhost:0\/console/);
    expect(stdout).toMatch(/API docs +http:\/\/localhost:0\/docs/);
    expect(stdout).toContain('Listening on every address of this machine');
    // One line per request, with its method, path (no query), status and time; the secret only in the one-time block.
    expect(stdout.match(/POST \/api\/v1\/oauth\/token 200 \d+ ms/g)).toHaveLength(1);
    expect(stdout.match(/GET \/no\/such\/path 404 \d+ ms/g)).toHaveLength(1);
    expect(stdout).not.toContain('incoming request');
    // The secret only in the OAUTH_ROOT_CLIENT_SECRET= line: the curl line names the variables, not the values.
    expect(stdout.split(secret)).toHaveLength(2);
    const curl = /^\s+(curl .*)$/m.exec(stdout)![1]!;
    expect(curl).toContain('-u "$OAUTH_ROOT_CLIENT_ID:$OAUTH_ROOT_CLIENT_SECRET"');
    // Run as printed (at this server's real address), with the two lines exported.
    const { stdout: answer } = await promisify(execFile)('bash', ['-c', curl.replace('http://localhost:0', `http://127.0.0.1:${port}`)], { env: { PATH: process.env.PATH, OAUTH_ROOT_CLIENT_ID: id, OAUTH_ROOT_CLIENT_SECRET: secret } });
    expect(JSON.parse(answer)).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
  });

  it('in development at LOG_LEVEL=debug, shows the route table after all', async () => {
    const server = run({ NODE_ENV: 'development', LOG_LEVEL: 'debug', DATABASE_URL: await emptyDatabaseUrl() });
    await server.listening;
    expect(server.stdout()).toMatch(/DEBUG \[RouterExplorer\] Mapped \{\/api\/v1\/oauth\/token, POST\} route/);
  });

  it('with NODE_ENV=production, is JSON lines as before, two per request', async () => {
    const server = run({ NODE_ENV: 'production', DATABASE_URL: await emptyDatabaseUrl(), OAUTH_ROOT_CLIENT_ID: 'ops-root', OAUTH_ROOT_CLIENT_SECRET: 'p'.repeat(40), ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'an admin passphrase' });
    const port = await server.listening;
    await fetch(`http://127.0.0.1:${port}/health/live`);
    await server.output(/"msg":"request completed"/);
    const parsed = lines(server.stdout()).map((line) => JSON.parse(line) as { msg: string; context?: string });
    expect(parsed.filter(({ msg }) => msg === 'incoming request')).toHaveLength(1);
    expect(parsed.some(({ context }) => context === 'RouterExplorer')).toBe(true);
    expect(server.stdout()).not.toContain('Gatehouse is ready');
  });

  it('with LOG_FORMAT=json in development, is JSON lines too', async () => {
    const server = run({ NODE_ENV: 'development', LOG_FORMAT: 'json', DATABASE_URL: await emptyDatabaseUrl(), OAUTH_ROOT_CLIENT_ID: 'dev-root', OAUTH_ROOT_CLIENT_SECRET: 'd'.repeat(40), ADMIN_PASSWORD: 'a long admin passphrase' });
    await server.listening;
    for (const line of lines(server.stdout())) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('the first minute: start-up errors, one line each', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT must be an integer number'],
    [{ SHUTDOWN_GRACE_SECONDS: '-1' }, 'SHUTDOWN_GRACE_SECONDS must not be less than 0'],
  ])('%j is reported in one message', async (env, message) => {
    const server = runServer({ DATABASE_URL: await emptyDatabaseUrl(), ...env });
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toBe(`Invalid configuration:\n  - ${message}\n`);
  });

  const mariaDbOnly = isMariaDb() ? it : it.skip;
  const server = async () => {
    const url = new URL((await emptyDatabaseUrl()).replace(/^mariadb:/, 'mysql:'));
    url.pathname = '/';
    return url;
  };

  mariaDbOnly('a MariaDB database that does not exist is created, and the start says so', async () => {
    const url = await server();
    const admin = await mysql.createConnection(url.toString());
    await admin.query('DROP DATABASE IF EXISTS gatehouse_first_minute');
    url.pathname = '/gatehouse_first_minute';
    const started = runServer({ DATABASE_URL: url.toString(), LOG_FORMAT: 'pretty' });
    try {
      const port = await started.listening;
      expect(started.stdout()).toContain('Created the database gatehouse_first_minute, which did not exist');
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      await started.stop();
      await admin.query('DROP DATABASE IF EXISTS gatehouse_first_minute');
      await admin.end();
    }
  });

  mariaDbOnly('a MariaDB database the user may not create or use ends the start with one line saying what to do', async () => {
    const url = await server();
    const admin = await mysql.createConnection(url.toString());
    await admin.query("CREATE USER IF NOT EXISTS 'gatehouse_no_rights'@'%'");
    await admin.query("CREATE USER IF NOT EXISTS 'gatehouse_no_rights'@'localhost'");
    try {
      const started = runServer({ DATABASE_URL: `mysql://gatehouse_no_rights@${url.host}/gatehouse_not_there` });
      expect(await started.exited).toBe(1);
      expect(started.stderr()).toBe(
        `Gatehouse cannot start: The user gatehouse_no_rights may not use the database gatehouse_not_there on ${url.host}: if it does not exist, create it (CREATE DATABASE \`gatehouse_not_there\`) as a user who may, and grant this user all privileges on it\n`,
      );
    } finally {
      await admin.query("DROP USER IF EXISTS 'gatehouse_no_rights'@'%', 'gatehouse_no_rights'@'localhost'");
      await admin.end();
    }
  });
});
