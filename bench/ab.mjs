// npm run bench:ab: CPU time per request of two (or more) Gatehouse builds, side by side in one
// run, in interleaved rounds, on routes of your choice. Tells a change's own cost apart from the
// machine's mood: each build's server is measured right after the other's, many times.
//
//   BENCH_AB_BUILDS='{"before":"/path/to/old/checkout","after":"."}' npm run bench:ab
//
// Each build is a checkout with a built dist/ (and node_modules). Settings: BENCH_AB_ROUTES (JSON
// list of GET paths, default the bench's guarded route and its floor), BENCH_AB_SCOPES (the
// bearer client's scopes), BENCH_AB_ROUNDS, BENCH_AB_DURATION (seconds per measurement).
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

const builds = JSON.parse(process.env.BENCH_AB_BUILDS ?? '{}');
if (Object.keys(builds).length < 2) {
  console.error('Set BENCH_AB_BUILDS to a JSON object of at least two builds: {"name": "checkout folder", ...}');
  process.exit(2);
}
const ROUTES = JSON.parse(process.env.BENCH_AB_ROUTES ?? '["/api/v1/oauth/role", "/health/live"]');
const SCOPES = (process.env.BENCH_AB_SCOPES ?? 'scope:read').split(',');
const ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 4);
const DURATION = Number(process.env.BENCH_AB_DURATION ?? 3);
const ROOT = { id: 'bench-root', secret: randomBytes(32).toString('base64url') };
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
let nextPort = 9600;
const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

/** CPU time (user + system) the server process has used so far, in milliseconds. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

async function start(folder) {
  const port = nextPort++;
  const url = `http://127.0.0.1:${port}`;
  const env = { PATH: process.env.PATH, PORT: String(port), NODE_ENV: 'production', OAUTH_ROOT_CLIENT_ID: ROOT.id, OAUTH_ROOT_CLIENT_SECRET: ROOT.secret, RATE_LIMIT_PER_MINUTE: '0', ADMIN_EMAIL: 'bench@example.com', ADMIN_PASSWORD: 'bench admin passphrase', LOG_LEVEL: 'warn', DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'gatehouse-ab-')), 'ab.sqlite')}` };
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: resolve(folder), env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (await fetch(`${url}/health/live`).then(() => true, () => false)) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  const form = (fields) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  const root = await (await fetch(`${url}/api/v1/oauth/token`, form({ grant_type: 'client_credentials', client_id: ROOT.id, client_secret: ROOT.secret }))).json();
  const client = await (await fetch(`${url}/api/v1/oauth/client`, { method: 'POST', headers: { authorization: `Bearer ${root.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ client_id: 'bench', scopes: SCOPES }) })).json();
  const token = await (await fetch(`${url}/api/v1/oauth/token`, form({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }))).json();
  if (!token.access_token) throw new Error(`${folder}: no token: ${JSON.stringify(token)}`);
  return { pid: child.pid, url, bearer: token.access_token };
}

async function measure(server, path, duration) {
  const before = cpuMs(server.pid);
  const result = await autocannon({ url: server.url + path, connections: 16, duration, headers: { authorization: `Bearer ${server.bearer}` } });
  if (result['2xx'] !== result.requests.total) throw new Error(`${path}: ${result.requests.total - result['2xx']} answers were not 2xx`);
  return ((cpuMs(server.pid) - before) * 1000) / result.requests.total;
}

const servers = Object.fromEntries(await Promise.all(Object.entries(builds).map(async ([name, folder]) => [name, await start(folder)])));
for (const server of Object.values(servers)) for (const path of ROUTES) await measure(server, path, 2); // warm-up
const readings = {};
for (let round = 0; round < ROUNDS; round += 1) {
  // Alternate which build goes first, so that neither always runs on a warmer or colder machine.
  const order = round % 2 ? Object.entries(servers).reverse() : Object.entries(servers);
  for (const path of ROUTES) for (const [name, server] of order) (readings[path] ??= {})[name] = [...(readings[path]?.[name] ?? []), await measure(server, path, DURATION)];
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const [path, byBuild] of Object.entries(readings)) {
  console.log(path);
  for (const [name, values] of Object.entries(byBuild)) console.log(`  ${name.padEnd(12)} CPU µs per request: median ${median(values).toFixed(0)} (rounds: ${values.map((value) => value.toFixed(0)).join(', ')})`);
}
process.exit(0);
