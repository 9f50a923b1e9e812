// Soak test (issue 7.7): `npm run build && node bench/soak.mjs` (SOAK_MINUTES=10 by default).
// Runs the production build on MariaDB (SOAK_DATABASE_URL; SQLite with sqlite:<file>) under a
// mixed load for SOAK_MINUTES: client-credentials tokens, bearer validations, introspection,
// revocations and admin CRUD (create, update, read, regenerate, delete). It samples the server's
// resident memory every 5 s and fails unless every request got the answer it should and memory
// after the warm-up (the first fifth of the run) grows by less than 10%.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const DATABASE_URL = process.env.SOAK_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/gatehouse_soak';
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 16);
const PORT = 9380;
const BASE = `http://127.0.0.1:${PORT}`;
const ROOT = { client_id: 'soak-root', client_secret: randomBytes(32).toString('base64url') };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const form = (fields, headers = {}) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });
const authed = (method, token, body) => ({ method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, ...(body !== undefined && { body: JSON.stringify(body) }) });

const outcomes = new Map();
const unexpected = [];
/** Sends a request, counts it, and remembers it if the status is not `expected`. */
async function call(kind, path, init, expected) {
  let status;
  let body;
  try {
    const response = await fetch(`${BASE}${path}`, init);
    status = response.status;
    body = await response.text();
  } catch (error) {
    status = `network error (${error.cause?.code ?? error.message})`;
  }
  const key = `${kind} ${status}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  if (status !== expected && unexpected.length < 20) unexpected.push(`${kind}: ${status} ${String(body).slice(0, 200)}`);
  return body && status === expected ? JSON.parse(body || 'null') : undefined;
}

function rssMb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

async function main() {
  if (DATABASE_URL.startsWith('mysql:')) {
    const url = new URL(DATABASE_URL);
    const connection = await mysql.createConnection(`${url.protocol}//${url.username}${url.password ? `:${url.password}` : ''}@${url.host}`);
    await connection.query(`DROP DATABASE IF EXISTS \`${url.pathname.slice(1)}\``);
    await connection.query(`CREATE DATABASE \`${url.pathname.slice(1)}\``);
    await connection.end();
  }
  const server = spawn(process.execPath, ['dist/main.js'], {
    env: { PATH: process.env.PATH, PORT: String(PORT), NODE_ENV: 'production', LOG_LEVEL: 'warn', DATABASE_URL, OAUTH_ROOT_CLIENT_ID: ROOT.client_id, OAUTH_ROOT_CLIENT_SECRET: ROOT.client_secret, RATE_LIMIT_PER_MINUTE: '0', ADMIN_EMAIL: 'soak@example.com', ADMIN_PASSWORD: 'soak admin passphrase' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    for (let i = 0; i < 300 && !(await fetch(`${BASE}/health/ready`).then((r) => r.ok, () => false)); i += 1) await sleep(100);

    const rootToken = async () => (await call('root token', '/api/v1/oauth/token', form({ grant_type: 'client_credentials', ...ROOT }), 200)).access_token;
    let root = await rootToken();
    const client = await call('setup', '/api/v1/oauth/client', authed('POST', root, { scopes: ['scope:read'] }), 201);
    const resourceServer = await call('setup', '/api/v1/oauth/client', authed('POST', root, { scopes: ['token:introspect'] }), 201);
    const basic = (credentials) => `Basic ${Buffer.from(`${credentials.client_id}:${credentials.client_secret}`).toString('base64')}`;
    let bearer = (await call('token', '/api/v1/oauth/token', form({ grant_type: 'client_credentials', ...client }), 200)).access_token;

    const end = Date.now() + MINUTES * 60_000;
    const mixes = [
      // Weighted towards the hot paths, as real traffic is.
      ...Array(6).fill(async () => {
        const token = await call('token', '/api/v1/oauth/token', form({ grant_type: 'client_credentials' }, { authorization: basic(client) }), 200);
        if (token) bearer = token.access_token;
      }),
      ...Array(6).fill(() => call('bearer', '/api/v1/oauth/scope', authed('GET', bearer), 200)),
      () => call('introspect', '/api/v1/oauth/introspect', form({ token: bearer }, { authorization: basic(resourceServer) }), 200),
      async () => {
        const token = await call('token', '/api/v1/oauth/token', form({ grant_type: 'client_credentials', ...client }), 200);
        if (!token) return;
        await call('revoke', '/api/v1/oauth/revoke', form({ token: token.access_token, ...client }), 200);
        await call('revoked bearer', '/api/v1/oauth/scope', authed('GET', token.access_token), 401);
      },
      async () => {
        const created = await call('admin create', '/api/v1/oauth/client', authed('POST', root, { scopes: ['scope:read'], name: 'soak' }), 201);
        if (!created) return;
        const path = `/api/v1/oauth/client/${created.client_id}`;
        await call('admin update', path, authed('PUT', root, { description: 'soaked' }), 200);
        await call('admin read', path, authed('GET', root), 200);
        await call('admin regenerate', `${path}/secret`, authed('POST', root), 200);
        await call('admin delete', path, authed('DELETE', root), 204);
      },
    ];
    const samples = [];
    const sampler = setInterval(() => samples.push({ at: Date.now(), rss: rssMb(server.pid) }), 5000);
    const rootRefresher = setInterval(async () => (root = (await rootToken()) ?? root), 60_000);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < end) await mixes[Math.floor(Math.random() * mixes.length)]();
      }),
    );
    clearInterval(sampler);
    clearInterval(rootRefresher);

    const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(`\n${total} requests in ${MINUTES} min (${Math.round(total / (MINUTES * 60))} req/s) at concurrency ${CONCURRENCY}\n`);
    for (const [key, count] of [...outcomes.entries()].sort()) process.stdout.write(`  ${key.padEnd(40)} ${count}\n`);
    const warmupEnd = samples.find((sample) => sample.at >= samples[0].at + (MINUTES * 60_000) / 5) ?? samples[0];
    const lastMinute = samples.filter((sample) => sample.at >= samples[samples.length - 1].at - 60_000).map((sample) => sample.rss).sort((a, b) => a - b);
    const settled = lastMinute[Math.floor(lastMinute.length / 2)];
    const growth = (settled - warmupEnd.rss) / warmupEnd.rss;
    process.stdout.write(`Memory: ${samples.map((sample) => Math.round(sample.rss)).join(' ')} MB\n`);
    process.stdout.write(`RSS after warm-up ${Math.round(warmupEnd.rss)} MB, last minute median ${Math.round(settled)} MB: ${(growth * 100).toFixed(1)}% growth\n`);
    const ok = unexpected.length === 0 && growth < 0.1;
    if (unexpected.length > 0) process.stdout.write(`Unexpected answers:\n  ${unexpected.join('\n  ')}\n`);
    process.stdout.write(ok ? 'Soak passed: zero errors, memory flat.\n' : 'Soak FAILED.\n');
    process.exitCode = ok ? 0 : 1;
  } finally {
    server.kill('SIGTERM');
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
