import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { emptyDatabaseUrl } from './support/test-app.js';
import { runServer, type ServerProcess } from './support/server-process.js';

describe('starting the server (node dist/main.js)', () => {
  const servers: ServerProcess[] = [];
  const run = (env: Record<string, string>) => {
    const server = runServer(env);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  const token = (port: number, id: string, secret: string) =>
    fetch(`http://127.0.0.1:${port}/api/v1/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }),
    });

  it('generates a root client on first start, prints it once, and it works after a restart', async () => {
    const DATABASE_URL = await emptyDatabaseUrl();
    const first = run({ DATABASE_URL });
    const port = await first.listening;
    const id = /OAUTH_ROOT_CLIENT_ID=(\S+)/.exec(first.stdout())?.[1];
    const secret = /OAUTH_ROOT_CLIENT_SECRET=(\S+)/.exec(first.stdout())?.[1];
    expect(id).toBeDefined();
    expect(secret).toBeDefined();
    // Short enough for `echo -n ID:SECRET | base64` on one line (GNU base64 wraps at 76 characters).
    expect(id).toMatch(/^root-[0-9a-f]{15}$/);
    expect(Buffer.byteLength(`${id}:${secret}`)).toBeLessThanOrEqual(57);
    expect(first.stdout()).toContain(`curl -s -u "$OAUTH_ROOT_CLIENT_ID:$OAUTH_ROOT_CLIENT_SECRET" -d grant_type=client_credentials http://localhost:0/api/v1/oauth/token`);
    expect((await token(port, id!, secret!)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    // And an administrator account, its generated password printed once.
    expect(first.stdout()).toMatch(/ADMIN_EMAIL=admin@gatehouse\.local\n\s+ADMIN_PASSWORD=[\w-]{24}\n/);
    await first.stop();

    const second = run({ DATABASE_URL });
    const secondPort = await second.listening;
    expect(second.stdout()).not.toContain('OAUTH_ROOT_CLIENT_SECRET=');
    expect(second.stdout()).not.toContain('ADMIN_PASSWORD=');
    expect(second.stdout()).not.toContain(secret!);
    expect((await token(secondPort, id!, secret!)).status).toBe(200);
  });

  it('listens on every interface by default, and on HOST alone when it is set', async () => {
    const listeningLine = (server: ServerProcess) => JSON.parse(server.stdout().split('\n').find((line) => line.includes('Gatehouse listening'))!) as { host: string; port: number };
    const everywhere = run({ DATABASE_URL: await emptyDatabaseUrl(), LOG_FORMAT: 'json' });
    await everywhere.listening;
    expect(listeningLine(everywhere).host).toBe('0.0.0.0');
    await everywhere.stop();
    // The whole of 127.0.0.0/8 is loopback on Linux: bound to 127.0.0.2, the server must not answer on 127.0.0.1.
    const loopbackTwo = run({ DATABASE_URL: await emptyDatabaseUrl(), HOST: '127.0.0.2', LOG_FORMAT: 'json' });
    const port = await loopbackTwo.listening;
    expect(listeningLine(loopbackTwo)).toMatchObject({ host: '127.0.0.2', port });
    expect((await fetch(`http://127.0.0.2:${port}/health/live`)).status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });

  it('serves /metrics without a token on METRICS_PORT, and nothing else there; the public port still asks for a token', async () => {
    const metricsPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const server = run({ DATABASE_URL: await emptyDatabaseUrl(), HOST: '127.0.0.1', METRICS_PORT: String(metricsPort), LOG_FORMAT: 'json' });
    const port = await server.listening;
    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await scrape.text()).toContain('gatehouse_process_resident_memory_bytes');
    for (const path of ['/health', '/metrics/', '/api/v1/oauth/scope', '/docs']) expect({ path, status: (await fetch(`http://127.0.0.1:${metricsPort}${path}`)).status }).toEqual({ path, status: 404 });
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    expect(server.stdout()).toContain(`"metricsPort":${metricsPort}`);
  });

  it('refuses to start in production without root client credentials, naming the variables', async () => {
    const server = run({ NODE_ENV: 'production', DATABASE_URL: await emptyDatabaseUrl() });
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toContain('OAUTH_ROOT_CLIENT_ID and OAUTH_ROOT_CLIENT_SECRET must be set when NODE_ENV=production');
    expect(server.stderr()).toContain('ADMIN_EMAIL and ADMIN_PASSWORD must be set when NODE_ENV=production');
    expect(server.stderr()).not.toMatch(/\n\s+at /);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'postgres://localhost/gatehouse' }, 'DATABASE_URL'],
    [{ OAUTH_SIGNING_ALG: 'HS256' }, 'OAUTH_SIGNING_ALG'],
    [{ OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '0' }, 'OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES'],
    [{ OAUTH_ROOT_CLIENT_ID: 'root' }, 'OAUTH_ROOT_CLIENT_SECRET'],
    [{ OAUTH_ROOT_CLIENT_ID: 'root', OAUTH_ROOT_CLIENT_SECRET: 'short' }, 'OAUTH_ROOT_CLIENT_SECRET'],
    [{ ADMIN_EMAIL: 'not an email' }, 'ADMIN_EMAIL'],
    [{ ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD'],
    [{ SIGN_IN_RATE_LIMIT_PER_MINUTE: '-1' }, 'SIGN_IN_RATE_LIMIT_PER_MINUTE'],
  ])('refuses invalid configuration %j with a message naming %s', async (env, variable) => {
    const server = run({ DATABASE_URL: await emptyDatabaseUrl(), ...env });
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toMatch(/^Invalid configuration:/);
    expect(server.stderr()).toContain(variable);
    expect(server.stderr()).not.toContain('short');
  });

  it('uses the configured root client in production', async () => {
    const secret = 'p'.repeat(40);
    const server = run({ NODE_ENV: 'production', DATABASE_URL: await emptyDatabaseUrl(), OAUTH_ROOT_CLIENT_ID: 'ops-root', OAUTH_ROOT_CLIENT_SECRET: secret, ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: 'an admin passphrase' });
    const port = await server.listening;
    expect(server.stdout()).not.toContain(secret);
    expect((await token(port, 'ops-root', secret)).status).toBe(200);
  });
});

describe('GATEHOUSE_WORKERS', () => {
  it('runs several worker processes on one port and one database, made ready once, and stops cleanly on SIGTERM', async () => {
    const server = runServer({ DATABASE_URL: await emptyDatabaseUrl(), GATEHOUSE_WORKERS: '2' });
    try {
      const port = await server.listening;
      await server.output(/Gatehouse listening[\s\S]*Gatehouse listening/);
      expect(server.stdout().match(/Gatehouse listening/g)).toHaveLength(2);
      // One root client and one signing key per algorithm, though two processes started on an empty database.
      expect(server.stdout().match(/OAUTH_ROOT_CLIENT_SECRET=/g)).toHaveLength(1);
      const id = /OAUTH_ROOT_CLIENT_ID=(\S+)/.exec(server.stdout())![1];
      const secret = /OAUTH_ROOT_CLIENT_SECRET=(\S+)/.exec(server.stdout())![1];
      const jwks = (await (await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).json()) as { keys: { alg: string }[] };
      expect(jwks.keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(`http://127.0.0.1:${port}/api/v1/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }) }).then((response) => response.status),
        ),
      );
      expect(new Set(statuses)).toEqual(new Set([200]));
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM turns readiness to 503 first, keeps serving through the grace period, finishes requests in flight and exits 0', async () => {
    const server = runServer({ DATABASE_URL: await emptyDatabaseUrl(), SHUTDOWN_GRACE_SECONDS: '2', OAUTH_ROOT_CLIENT_ID: 'root', OAUTH_ROOT_CLIENT_SECRET: 'r'.repeat(40) });
    const port = await server.listening;
    const url = `http://127.0.0.1:${port}`;
    const token = () =>
      fetch(`${url}/api/v1/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'root', client_secret: 'r'.repeat(40) }) }).then((response) => response.status);
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);

    const inFlight = Array.from({ length: 30 }, token);
    const stoppedAt = Date.now();
    server.child.kill('SIGTERM');
    await server.output(/SIGTERM: not ready/);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'error', error: { lifecycle: { status: 'down', message: 'shutting down' } } });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    expect(await token()).toBe(200);
    expect(new Set(await Promise.all(inFlight))).toEqual(new Set([200]));

    expect(await server.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(2000);
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});
