// Database outage drill (issue 7.3), against the real mariadbd on this machine:
//   npm run build && node test/db-outage.mjs
// Starts the production build on its own MariaDB database, puts it under a steady load of token
// requests and bearer calls, stops mariadbd, checks what Gatehouse does meanwhile, starts mariadbd
// again, and checks that full service returns without a restart and that nothing was lost or
// half-written. It always tries to leave mariadbd running. Exits non-zero on any failed check.
//
// What Gatehouse promises during an outage (README, "Database outages"):
// - token issuance and bearer validation go on for clients it has seen (served from memory, also
//   past CLIENT_CACHE_TTL_SECONDS: nothing can change in a database nobody can reach);
// - anything that needs the database (admin writes, clients it has not seen) fails with 503 and
//   a clear error, `temporarily_unavailable` on OAuth endpoints; /health/ready answers 503;
// - when the database is back, everything works again without a restart.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

const ADMIN_URL = process.env.OUTAGE_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const DATABASE_URL = `${ADMIN_URL}/gatehouse_outage`;
const PORT = 9390;
const BASE = `http://127.0.0.1:${PORT}`;
const ROOT = { client_id: 'outage-root', client_secret: randomBytes(32).toString('base64url') };
const OUTAGE_SECONDS = 8;

const failures = [];
function check(condition, what) {
  process.stdout.write(`  ${condition ? 'ok  ' : 'FAIL'} ${what}\n`);
  if (!condition) failures.push(what);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function mariadbUp() {
  try {
    execFileSync('mariadb-admin', ['--protocol=tcp', '-h127.0.0.1', '-uroot', 'ping'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a mariadbd process is still alive. `mariadb-admin shutdown` closes the listener first
 * and ends existing connections after: until the process has exited, a pooled connection can
 * still be answered (a readiness check did exactly that once, and answered 200).
 */
function mariadbProcessRunning() {
  try {
    execFileSync('pgrep', ['-x', 'mariadbd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition, seconds, what) {
  for (let i = 0; i < seconds * 10; i += 1) {
    if (await condition()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function stopMariaDb() {
  execFileSync('mariadb-admin', ['--protocol=tcp', '-h127.0.0.1', '-uroot', 'shutdown'], { stdio: 'inherit' });
}

function startMariaDb() {
  execFileSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd'], { stdio: 'inherit' });
}

async function snapshot() {
  const connection = await mysql.createConnection(DATABASE_URL);
  try {
    const count = async (table) => Number((await connection.query(`SELECT COUNT(*) AS n FROM ${table}`))[0][0].n);
    const [hashes] = await connection.query('SELECT id, secret_hash, scopes, disabled FROM oauth_client ORDER BY id');
    return { clients: await count('oauth_client'), audit: await count('audit_event'), revoked: await count('revoked_token'), organizations: await count('organization'), hashes: JSON.stringify(hashes) };
  } finally {
    await connection.end();
  }
}

const form = (fields, headers = {}) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });
const json = (method, token, body) => ({ method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, ...(body !== undefined && { body: JSON.stringify(body) }) });

async function tokenFor(credentials) {
  const response = await fetch(`${BASE}/api/v1/oauth/token`, form({ grant_type: 'client_credentials', ...credentials }));
  return { status: response.status, body: await response.json() };
}

/** A steady background load: token requests and bearer calls for a client the server has seen, counted by status. */
function startLoad(client, bearer) {
  const tally = new Map();
  let running = true;
  const worker = async () => {
    while (running) {
      const results = await Promise.allSettled([
        fetch(`${BASE}/api/v1/oauth/token`, form({ grant_type: 'client_credentials', ...client })).then(async (response) => (await response.arrayBuffer(), response.status)),
        fetch(`${BASE}/api/v1/oauth/scope`, { headers: { authorization: `Bearer ${bearer}` } }).then(async (response) => (await response.arrayBuffer(), response.status)),
      ]);
      for (const result of results) {
        const key = result.status === 'fulfilled' ? String(result.value) : 'network error';
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  return {
    take() {
      const copy = Object.fromEntries(tally);
      tally.clear();
      return copy;
    },
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

async function main() {
  if (!mariadbUp()) startMariaDb();
  await waitFor(async () => mariadbUp(), 60, 'mariadbd');
  const admin = await mysql.createConnection(ADMIN_URL);
  await admin.query('DROP DATABASE IF EXISTS gatehouse_outage');
  await admin.query('CREATE DATABASE gatehouse_outage');
  await admin.end();

  const server = spawn(process.execPath, ['dist/main.js'], {
    env: {
      PATH: process.env.PATH,
      PORT: String(PORT),
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL,
      OAUTH_ROOT_CLIENT_ID: ROOT.client_id,
      OAUTH_ROOT_CLIENT_SECRET: ROOT.client_secret,
      // Shorter than the outage: cached clients must keep working past their TTL.
      CLIENT_CACHE_TTL_SECONDS: '2',
      RATE_LIMIT_PER_MINUTE: '0',
      ADMIN_EMAIL: 'ops@example.com',
      ADMIN_PASSWORD: 'outage drill admin',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stdout.on('data', (chunk) => (log += chunk));
  server.stderr.on('data', (chunk) => (log += chunk));
  let exited = false;
  server.on('exit', () => (exited = true));
  try {
    await waitFor(async () => (await fetch(`${BASE}/health/ready`).catch(() => undefined))?.status === 200, 30, 'Gatehouse to be ready');

    process.stdout.write('Before the outage\n');
    const root = (await tokenFor(ROOT)).body.access_token;
    const created = await fetch(`${BASE}/api/v1/oauth/client`, json('POST', root, { scopes: ['scope:read'] }));
    const client = await created.json();
    const spare = await (await fetch(`${BASE}/api/v1/oauth/client`, json('POST', root, { scopes: ['scope:read'] }))).json();
    const bearer = (await tokenFor(client)).body.access_token;
    check((await fetch(`${BASE}/api/v1/oauth/scope`, { headers: { authorization: `Bearer ${bearer}` } })).status === 200, 'the client gets tokens and uses them');
    const before = await snapshot();

    const load = startLoad(client, bearer);
    await sleep(1000);
    const warm = load.take();
    check(Object.keys(warm).every((status) => status === '200') && (warm['200'] ?? 0) > 0, `load before the outage is all 200 (${JSON.stringify(warm)})`);

    process.stdout.write(`Stopping mariadbd for ${OUTAGE_SECONDS} s\n`);
    stopMariaDb();
    await waitFor(async () => !mariadbUp() && !mariadbProcessRunning(), 30, 'mariadbd to stop');
    const outageStarted = Date.now();
    load.take();

    const ready = await fetch(`${BASE}/health/ready`);
    check(ready.status === 503, `/health/ready answers 503 (${ready.status})`);
    check((await fetch(`${BASE}/health/live`)).status === 200, '/health/live answers 200');

    const write = await fetch(`${BASE}/api/v1/oauth/client`, json('POST', root, { scopes: ['scope:read'] }));
    const writeBody = await write.json();
    check(write.status === 503 && writeBody.message === 'The database is unavailable; try again shortly', `an admin write gets 503 with a clear error (${write.status} ${JSON.stringify(writeBody)})`);
    const regenerate = await fetch(`${BASE}/api/v1/oauth/client/${client.client_id}/secret`, json('POST', root));
    check(regenerate.status === 503, `regenerating a secret gets 503 (${regenerate.status})`);
    const revoke = await fetch(`${BASE}/api/v1/oauth/revoke`, form({ token: bearer, ...client }));
    check(revoke.status === 503, `a revocation gets 503 rather than pretending (${revoke.status})`);

    // The spare client was created but never used on this server: it cannot be read now.
    const unseen = await tokenFor(spare);
    check(unseen.status === 503 && unseen.body.error === 'temporarily_unavailable', `a client never seen gets 503 temporarily_unavailable (${unseen.status} ${JSON.stringify(unseen.body)})`);

    await sleep(Math.max(0, OUTAGE_SECONDS * 1000 - (Date.now() - outageStarted)));
    const during = load.take();
    check(Object.keys(during).every((status) => status === '200') && (during['200'] ?? 0) > 0, `a seen client's tokens and bearer calls go on during the outage, past the cache TTL (${JSON.stringify(during)})`);
    check(!exited, 'the server is still running');

    process.stdout.write('Starting mariadbd again\n');
    startMariaDb();
    await waitFor(async () => mariadbUp(), 60, 'mariadbd to start');
    const back = Date.now();
    await waitFor(async () => (await fetch(`${BASE}/health/ready`)).status === 200, 30, '/health/ready to answer 200');
    process.stdout.write(`  ready again ${Date.now() - back} ms after mariadbd answered\n`);

    await waitFor(async () => (await fetch(`${BASE}/api/v1/oauth/client`, json('POST', root, { scopes: ['scope:read'] }))).status === 201, 30, 'admin writes to work again');
    check(true, 'admin writes work again without a restart');
    check((await tokenFor(spare)).status === 200, 'the client never seen gets tokens now');
    const after = load.take();
    await load.stop();
    check(!('network error' in after) && Object.keys(after).every((status) => ['200', '503'].includes(status)), `load across the recovery: only 200 (and 503 while reconnecting) (${JSON.stringify(after)})`);

    const final = await snapshot();
    check(final.clients === before.clients + 1, `clients: ${before.clients} before, ${final.clients} after (the one created after recovery)`);
    check(final.audit === before.audit + 1, `audit events: ${before.audit} before, ${final.audit} after (nothing recorded for refused writes)`);
    check(final.revoked === before.revoked && final.organizations === before.organizations, 'no revocation or organization half-written');
    const hashesBefore = JSON.parse(before.hashes);
    const hashesAfter = JSON.parse(final.hashes).filter((row) => hashesBefore.some((old) => old.id === row.id));
    check(JSON.stringify(hashesAfter) === before.hashes, 'secret hashes, scopes and flags of existing clients unchanged');
    check(!log.includes(ROOT.client_secret) && !log.includes(client.client_secret), 'no secret in the server log');
  } finally {
    if (!mariadbUp()) startMariaDb();
    server.kill('SIGTERM');
    await waitFor(async () => exited, 15, 'Gatehouse to exit').catch(() => server.kill('SIGKILL'));
  }
  if (failures.length > 0) {
    process.stdout.write(`\n${failures.length} check(s) failed. Server log:\n${log.slice(-4000)}\n`);
    process.exit(1);
  }
  process.stdout.write('\nDatabase outage drill passed.\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  if (!mariadbUp()) startMariaDb();
  process.exit(1);
});
