// npm run bench: Gatehouse (production build, on SQLite and on MariaDB), node-oidc-provider and
// a bare Fastify route, driven side by side in one run with the same autocannon settings. Prints
// a table with ratios and writes bench/results/latest.json and latest.svg. See bench/README.md.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { mariadbPid, startBenchCluster } from './cluster.mjs';
import { renderChart } from './chart.mjs';
import { assertionTokenRequest, dpopGet, dpopProof, dpopTokenRequest, es256Key } from './signed-requests.mjs';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MARIADB_URL = process.env.BENCH_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/gatehouse_bench';
const EXTRA_CLIENTS = Number(process.env.BENCH_EXTRA_CLIENTS ?? 100_000);
const REVOKED_TOKENS = Number(process.env.BENCH_REVOKED_TOKENS ?? 10_000);
const ROOT = { id: 'bench-root', secret: randomBytes(32).toString('base64url') };
const SECRET = randomBytes(32).toString('base64url');
const CLUSTER = process.env.BENCH_CLUSTER === '1';
/** The private_key_jwt client's key (registered at every server) and the DPoP key of the bound tokens. */
const CLIENT_KEY = es256Key('bench-pkjwt');
const DPOP_KEY = es256Key();
let nextPort = 9400;

const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function start(name, args, env) {
  const port = nextPort++;
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  // Only the tail is kept: a server logging under load would otherwise fill this process's memory.
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited;
  child.on('exit', (code) => (exited = code));
  // Ready when it answers HTTP at all (whatever its log level prints).
  return (async () => {
    for (let attempt = 0; attempt < 300; attempt += 1) {
      if (exited !== undefined) throw new Error(`${name} exited with ${exited}:\n${output}`);
      const answered = await fetch(`http://127.0.0.1:${port}/`).then(
        () => true,
        () => false,
      );
      if (answered) return { name, port, child, url: `http://127.0.0.1:${port}` };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${name} did not start:\n${output}`);
  })();
}

/** A server's process and its children (cluster workers). */
const processTree = (pid) => [pid, ...execFileSync('sh', ['-c', `pgrep -P ${pid} || true`]).toString().split('\n').filter(Boolean).map(Number)];

/** The processes whose CPU and memory a target counts: its own, or those its `pids()` names (a cluster). */
const targetPids = (server) => (server.pids?.() ?? [server.child.pid]).flatMap(processTree);

/** Resident memory of a target's processes, in MB. */
function rssMb(server) {
  const pids = targetPids(server);
  const kb = pids.reduce((sum, each) => {
    try {
      return sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${each}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return sum;
    }
  }, 0);
  return Math.round(kb / 1024);
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * CPU time (user + system, every thread) a server and its workers have used so far, in
 * milliseconds. CPU time per request is the steadier reading on a shared machine: requests per
 * second also move with whatever else the two cores are doing, CPU per request much less.
 */
function cpuMs(server, pids = targetPids(server)) {
  return pids.reduce((sum, each) => {
    try {
      const fields = readFileSync(`/proc/${each}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return sum;
    }
  }, 0);
}

/** One autocannon run, with the server's CPU time per request (µs) over it. */
async function run(server, request, duration) {
  // A target made of parts (the cluster: instances, database nodes) also gets each part's share.
  const partPids = Object.entries(server.parts?.() ?? {}).map(([part, pids]) => [part, pids.flatMap(processTree)]);
  const before = cpuMs(server);
  const partsBefore = partPids.map(([, pids]) => cpuMs(server, pids));
  const result = await autocannon({ ...options(server, request), duration });
  const perRequest = (ms) => (ms * 1000) / Math.max(1, result.requests.total);
  result.cpuMicrosPerRequest = perRequest(cpuMs(server) - before);
  result.cpuPartsMicros = Object.fromEntries(partPids.map(([part, pids], index) => [part, perRequest(cpuMs(server, pids) - partsBefore[index])]));
  return result;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Measures several targets of one scenario, interleaved: every round runs each target once, in
 * turn, so that the machine's drift (2 shared, noisy cores) falls on all of them alike.
 */
async function measure(label, targets) {
  const rounds = targets.map(() => []);
  for (const [server, request] of targets) await autocannon({ ...options(server, request), duration: WARMUP });
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [index, [server, request]] of targets.entries()) rounds[index].push(await run(server, request, DURATION));
  }
  return targets.map(([server], index) => {
    const runs = rounds[index];
    const result = {
      scenario: label,
      target: server.name,
      requestsPerSecond: Math.round(median(runs.map((r) => r.requests.average))),
      p50: median(runs.map((r) => r.latency.p50)),
      p99: median(runs.map((r) => r.latency.p99)),
      cpuMicrosPerRequest: Math.round(median(runs.map((r) => r.cpuMicrosPerRequest))),
      non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
      errors: runs.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
      rssMb: rssMb(server),
      cpuPartsMicrosPerRequest: Object.fromEntries(Object.keys(runs[0].cpuPartsMicros).map((part) => [part, Math.round(median(runs.map((r) => r.cpuPartsMicros[part])))])),
    };
    const parts = Object.entries(result.cpuPartsMicrosPerRequest).map(([part, micros]) => `${part} ${micros}`);
    // A target that answers with errors is not being measured at all: say so loudly.
    const invalid = result.non2xx + result.errors > 0 ? '  <-- INVALID: not all 2xx' : '';
    process.stdout.write(`  ${label.padEnd(40)} ${server.name.padEnd(30)} ${String(result.requestsPerSecond).padStart(7)} req/s  cpu ${String(result.cpuMicrosPerRequest).padStart(4)} µs/req  p50 ${result.p50} ms  p99 ${result.p99} ms  non-2xx ${result.non2xx}  errors ${result.errors}  rss ${result.rssMb} MB${parts.length ? ` (cpu µs/req: ${parts.join(', ')})` : ''}${invalid}\n`);
    return result;
  });
}

function options(server, request) {
  // A request that signs something anew each time (bench/signed-requests.mjs) goes through setupRequest.
  const requests = request.setupRequest && [request];
  return { url: server.url + request.path, method: request.method, headers: request.headers, body: request.body, requests, connections: CONNECTIONS };
}

async function resetMariaDb(databaseUrl = MARIADB_URL) {
  const url = new URL(databaseUrl);
  const database = url.pathname.slice(1);
  const connection = await mysql.createConnection({ host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await connection.query(`CREATE DATABASE \`${database}\``);
  await connection.end();
}

/** Adds `count` clients straight into the database: scenario (e) checks that the hot paths do not slow down with them. */
async function addClients(databaseUrl, count) {
  const connection = await mysql.createConnection(databaseUrl);
  const [[builtIn]] = await connection.query('SELECT id FROM organization WHERE is_builtin = 1');
  const [[{ secret_hash: hash }]] = await connection.query("SELECT secret_hash FROM oauth_client WHERE id = 'bench'");
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  for (let offset = 0; offset < count; offset += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - offset) }, (_, index) => [`filler-${offset + index}`, builtIn.id, null, null, hash, '["scope:read"]', '[]', '[]', null, 0, 0, now, now]);
    await connection.query('INSERT INTO oauth_client (id, organization_id, name, description, secret_hash, scopes, permissions, post_logout_redirect_uris, access_token_lifespan, is_root, disabled, created_at, updated_at) VALUES ?', [rows]);
  }
  const [[{ n }]] = await connection.query('SELECT COUNT(*) AS n FROM oauth_client');
  await connection.end();
  return Number(n);
}

/** Adds `count` unexpired revoked tokens: the revocation list every process holds in memory grows with them. */
async function addRevokedTokens(databaseUrl, count) {
  const connection = await mysql.createConnection(databaseUrl);
  const [[builtIn]] = await connection.query('SELECT id FROM organization WHERE is_builtin = 1');
  const now = new Date();
  const sql = (date) => date.toISOString().replace('T', ' ').replace('Z', '');
  for (let offset = 0; offset < count; offset += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - offset) }, () => [randomUUID(), 'bench', builtIn.id, sql(new Date(now.getTime() + 3_600_000)), sql(now)]);
    await connection.query('INSERT INTO revoked_token (jti, client_id, organization_id, expires_at, revoked_at) VALUES ?', [rows]);
  }
  const [[{ n }]] = await connection.query('SELECT COUNT(*) AS n FROM revoked_token');
  await connection.end();
  return Number(n);
}

async function prepareGatehouse(server) {
  const form = (fields) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  const root = await (await fetch(`${server.url}/api/v1/oauth/token`, form({ grant_type: 'client_credentials', client_id: ROOT.id, client_secret: ROOT.secret }))).json();
  const created = await fetch(`${server.url}/api/v1/oauth/client`, { method: 'POST', headers: { authorization: `Bearer ${root.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ client_id: 'bench', scopes: ['scope:read'] }) });
  const client = created.status === 201 ? await created.json() : { client_id: 'bench', client_secret: (await (await fetch(`${server.url}/api/v1/oauth/client/bench/secret`, { method: 'POST', headers: { authorization: `Bearer ${root.access_token}` } })).json()).client_secret };
  const token = await (await fetch(`${server.url}/api/v1/oauth/token`, form({ grant_type: 'client_credentials', ...client }))).json();
  // A resource server that introspects (scenario d).
  const rsCreated = await fetch(`${server.url}/api/v1/oauth/client`, { method: 'POST', headers: { authorization: `Bearer ${root.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ scopes: ['token:introspect'] }) });
  const resourceServer = await rsCreated.json();
  // A private_key_jwt client (scenario g); 409 when a restarted server finds it registered already.
  const keyClient = await fetch(`${server.url}/api/v1/oauth/client`, { method: 'POST', headers: { authorization: `Bearer ${root.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ client_id: 'bench-pkjwt', scopes: ['scope:read'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...CLIENT_KEY.jwk, kid: CLIENT_KEY.kid, alg: 'ES256', use: 'sig' }] } }) });
  if (keyClient.status !== 201 && keyClient.status !== 409) throw new Error(`registering bench-pkjwt: ${keyClient.status} ${await keyClient.text()}`);
  // The issuer (the assertions' audience and the base of a DPoP proof's htu) as the server names it.
  const { issuer, token_endpoint: tokenUrl } = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
  // A DPoP-bound token for the guarded route (scenario i).
  const bound = await (await fetch(`${server.url}${new URL(tokenUrl).pathname}`, { ...form({ grant_type: 'client_credentials' }), headers: { ...FORM, authorization: basicAuth(client.client_id, client.client_secret), dpop: dpopProof(DPOP_KEY, 'POST', tokenUrl) } })).json();
  if (bound.token_type !== 'DPoP') throw new Error(`no DPoP-bound token: ${JSON.stringify(bound)}`);
  return { client, bearer: token.access_token, resourceServer, issuer, tokenUrl, dpopBearer: bound.access_token };
}

const basicAuth = (id, secret) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function main() {
  // The load comes from one IP at thousands of requests a second: the per-IP limit is off here.
  // LOG_LEVEL=warn: node-oidc-provider and the bare route log nothing per request either; the
  // cost of Gatehouse's one-line-per-request info log is measured apart, in (f).
  const gatehouseEnv = { NODE_ENV: 'production', OAUTH_ROOT_CLIENT_ID: ROOT.id, OAUTH_ROOT_CLIENT_SECRET: ROOT.secret, RATE_LIMIT_PER_MINUTE: '0', ADMIN_EMAIL: 'bench@example.com', ADMIN_PASSWORD: 'bench admin passphrase', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' };
  await resetMariaDb();
  const sqliteUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'gatehouse-bench-')), 'bench.sqlite')}`;
  const servers = {
    sqlite: await start('gatehouse (SQLite)', ['dist/main.js'], { ...gatehouseEnv, DATABASE_URL: sqliteUrl }),
    mariadb: await start('gatehouse (MariaDB)', ['dist/main.js'], { ...gatehouseEnv, DATABASE_URL: MARIADB_URL }),
    oidc: await start('node-oidc-provider', ['bench/servers/oidc-provider.mjs'], { CLIENT_SECRET: SECRET, CLIENT_JWK: JSON.stringify({ ...CLIENT_KEY.jwk, kid: CLIENT_KEY.kid, alg: 'ES256', use: 'sig' }) }),
    bare: await start('bare fastify', ['bench/servers/bare-fastify.mjs'], {}),
  };
  const prepared = { sqlite: await prepareGatehouse(servers.sqlite), mariadb: await prepareGatehouse(servers.mariadb) };
  const tokenBasic = (client) => ({ path: '/api/v1/oauth/token', method: 'POST', headers: { ...FORM, authorization: basicAuth(client.client_id, client.client_secret) }, body: 'grant_type=client_credentials' });
  const tokenPost = (client) => ({ path: '/api/v1/oauth/token', method: 'POST', headers: FORM, body: new URLSearchParams({ grant_type: 'client_credentials', ...client }).toString() });
  const guarded = (bearer) => ({ path: '/api/v1/oauth/role', method: 'GET', headers: { authorization: `Bearer ${bearer}` } });
  const introspect = (prepared) => ({ path: '/api/v1/oauth/introspect', method: 'POST', headers: { ...FORM, authorization: basicAuth(prepared.resourceServer.client_id, prepared.resourceServer.client_secret) }, body: new URLSearchParams({ token: prepared.bearer }).toString() });
  const oidcToken = { path: '/token', method: 'POST', headers: { ...FORM, authorization: basicAuth('bench-basic', SECRET) }, body: 'grant_type=client_credentials&scope=api%3Aread' };
  const oidcTokenPost = { path: '/token', method: 'POST', headers: FORM, body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read', client_id: 'bench-post', client_secret: SECRET }).toString() };

  process.stdout.write(`\n${CONNECTIONS} connections, ${WARMUP} s warm-up, ${ROUNDS} rounds of ${DURATION} s, medians\n`);
  const results = [];
  const A = '(a) token, client_secret_basic';
  const B = '(b) token, client_secret_post';
  const C = '(c) scope-guarded GET with bearer';
  const D = '(d) introspection';
  const FLOOR = 'gatehouse (MariaDB), unguarded GET /health/live';
  const E = `(e) with ${EXTRA_CLIENTS / 1000}k more clients, ${REVOKED_TOKENS / 1000}k revoked tokens`;
  results.push(
    ...(await measure(A, [
      [servers.sqlite, tokenBasic(prepared.sqlite.client)],
      [servers.mariadb, tokenBasic(prepared.mariadb.client)],
      [servers.oidc, oidcToken],
      [servers.bare, { path: '/token', method: 'POST', headers: FORM, body: 'grant_type=client_credentials' }],
    ])),
  );
  results.push(
    ...(await measure(B, [
      [servers.sqlite, tokenPost(prepared.sqlite.client)],
      [servers.mariadb, tokenPost(prepared.mariadb.client)],
      [servers.oidc, oidcTokenPost],
    ])),
  );
  results.push(
    ...(await measure(C, [
      [servers.sqlite, guarded(prepared.sqlite.bearer)],
      [servers.mariadb, guarded(prepared.mariadb.bearer)],
      // The floor under (c): the same server's cheapest route, no guard and a tiny body. What it
      // loses to the bare route is Nest's routing and Gatehouse's per-request hooks (request id,
      // security headers, metrics), which no work in the guard can win back.
      [{ ...servers.mariadb, name: FLOOR }, { path: '/health/live', method: 'GET' }],
      [servers.bare, { path: '/resource', method: 'GET' }],
    ])),
  );

  results.push(
    ...(await measure(D, [
      [servers.sqlite, introspect(prepared.sqlite)],
      [servers.mariadb, introspect(prepared.mariadb)],
      [servers.bare, { path: '/token', method: 'POST', headers: FORM, body: 'token=x' }],
    ])),
  );

  // (g)-(i), issue 19: every request carries a freshly signed JWT (bench/signed-requests.mjs).
  const G = '(g) token, private_key_jwt';
  const H = '(h) token, client_secret_basic + DPoP proof';
  const I = '(i) scope-guarded GET with DPoP token + proof';
  const NO_DPOP = 'gatehouse (MariaDB), same without DPoP';
  const pkjwt = (prepared) => assertionTokenRequest({ issuer: prepared.issuer, tokenUrl: prepared.tokenUrl, clientId: 'bench-pkjwt', clientKey: CLIENT_KEY });
  const withDpop = (prepared) => dpopTokenRequest({ tokenUrl: prepared.tokenUrl, basic: basicAuth(prepared.client.client_id, prepared.client.client_secret), dpopKey: DPOP_KEY });
  const guardedDpop = (prepared) => dpopGet({ url: `${prepared.issuer}/api/v1/oauth/role`, accessToken: prepared.dpopBearer, dpopKey: DPOP_KEY });
  const oidcIssuer = servers.oidc.url;
  results.push(
    ...(await measure(G, [
      [servers.sqlite, pkjwt(prepared.sqlite)],
      [servers.mariadb, pkjwt(prepared.mariadb)],
      [servers.oidc, assertionTokenRequest({ issuer: oidcIssuer, tokenUrl: `${oidcIssuer}/token`, clientId: 'bench-pkjwt', clientKey: CLIENT_KEY, scope: 'api:read' })],
    ])),
  );
  results.push(
    ...(await measure(H, [
      [servers.sqlite, withDpop(prepared.sqlite)],
      [servers.mariadb, withDpop(prepared.mariadb)],
      // The same request without the proof, interleaved: what the proof costs on its own.
      [{ ...servers.mariadb, name: NO_DPOP }, tokenBasic(prepared.mariadb.client)],
      [servers.oidc, dpopTokenRequest({ tokenUrl: `${oidcIssuer}/token`, basic: basicAuth('bench-basic', SECRET), dpopKey: DPOP_KEY, scope: 'api:read' })],
    ])),
  );
  // node-oidc-provider has no route a client_credentials token can call (userinfo needs a user), so
  // (i) is read against the same server's plain bearer call and the bare route.
  results.push(
    ...(await measure(I, [
      [servers.sqlite, guardedDpop(prepared.sqlite)],
      [servers.mariadb, guardedDpop(prepared.mariadb)],
      [{ ...servers.mariadb, name: NO_DPOP }, guarded(prepared.mariadb.bearer)],
      [servers.bare, { path: '/resource', method: 'GET' }],
    ])),
  );

  // (e): a second MariaDB-backed Gatehouse on its own database gets 100k more clients; it is
  // measured interleaved with the first, which has none, so the ratio is about the clients alone.
  const crowdedUrl = MARIADB_URL.replace(/\/[^/]*$/, '/gatehouse_bench_crowded');
  await resetMariaDb(crowdedUrl);
  servers.crowded = await start('gatehouse (MariaDB, +100k clients)', ['dist/main.js'], { ...gatehouseEnv, DATABASE_URL: crowdedUrl });
  prepared.crowded = await prepareGatehouse(servers.crowded);
  const total = await addClients(crowdedUrl, EXTRA_CLIENTS);
  const revoked = await addRevokedTokens(crowdedUrl, REVOKED_TOKENS);
  // Restarted, so that it loads the revoked tokens as a process starting on such a database does.
  servers.crowded.child.kill('SIGTERM');
  await new Promise((resolve) => servers.crowded.child.once('exit', resolve));
  servers.crowded = await start(`gatehouse (MariaDB, +${EXTRA_CLIENTS / 1000}k clients, ${REVOKED_TOKENS / 1000}k revoked)`, ['dist/main.js'], { ...gatehouseEnv, DATABASE_URL: crowdedUrl });
  prepared.crowded = await prepareGatehouse(servers.crowded);
  process.stdout.write(`  (${total} clients and ${revoked} revoked tokens in the crowded database)\n`);
  results.push(...(await measure(`${E}: token`, [[servers.mariadb, tokenBasic(prepared.mariadb.client)], [servers.crowded, tokenBasic(prepared.crowded.client)]])));
  results.push(...(await measure(`${E}: bearer`, [[servers.mariadb, guarded(prepared.mariadb.bearer)], [servers.crowded, guarded(prepared.crowded.bearer)]])));
  servers.crowded.child.kill('SIGTERM');

  // (f): what the default per-request info log costs, side by side with the same server at warn.
  const logging = await start('gatehouse (MariaDB, LOG_LEVEL=info)', ['dist/main.js'], { ...gatehouseEnv, DATABASE_URL: MARIADB_URL, LOG_LEVEL: 'info' });
  results.push(...(await measure('(f) token with LOG_LEVEL=info', [[servers.mariadb, tokenBasic(prepared.mariadb.client)], [logging, tokenBasic(prepared.mariadb.client)]])));
  logging.child.kill('SIGTERM');

  const workers = await start('gatehouse (MariaDB, 2 workers)', ['dist/main.js'], { ...gatehouseEnv, DATABASE_URL: MARIADB_URL, GATEHOUSE_WORKERS: '2' });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  results.push(...(await measure('workers: (a) with 2 workers', [[servers.mariadb, tokenBasic(prepared.mariadb.client)], [workers, tokenBasic(prepared.mariadb.client)]])));

  // Issue 20, with BENCH_CLUSTER=1: through HAProxy to 3, then 2, then 1 instance on the Galera
  // cluster, each interleaved with the one instance on the single MariaDB. Both sides count the
  // database's CPU with the instances' (the single MariaDB's mariadbd is shared with whatever else
  // uses it on this machine, which can only make the single side look dearer).
  const find = (scenario, target) => results.find((result) => result.scenario === scenario && result.target === target);
  const clusterComparisons = [];
  if (CLUSTER) {
    process.stdout.write('  (starting the Galera cluster and three instances behind HAProxy)\n');
    const cluster = await startBenchCluster(gatehouseEnv);
    try {
      const clusterPrepared = await prepareGatehouse(cluster.target('cluster'));
      const databasePid = await mariadbPid(MARIADB_URL);
      const single = { ...servers.mariadb, name: 'gatehouse (MariaDB) + its mariadbd', pids: () => [servers.mariadb.child.pid, databasePid], parts: () => ({ instance: [servers.mariadb.child.pid], mariadbd: [databasePid] }) };
      for (const instances of [3, 2, 1]) {
        if (instances < cluster.running()) await cluster.scaleDown(instances + 1);
        const target = cluster.target(`HAProxy, ${instances} instance(s) + 3 Galera nodes`);
        for (const [kind, ours, theirs] of [
          ['token (a)', tokenBasic(clusterPrepared.client), tokenBasic(prepared.mariadb.client)],
          ['bearer (c)', guarded(clusterPrepared.bearer), guarded(prepared.mariadb.bearer)],
        ]) {
          const label = `cluster: ${kind}, ${instances} instance(s)`;
          results.push(...(await measure(label, [[single, theirs], [target, ours]])));
          clusterComparisons.push([`${kind}, Galera ${instances} inst. / single MariaDB`, find(label, target.name), find(label, single.name), true]);
        }
      }
    } finally {
      await cluster.stop();
    }
  }

  // Each comparison: [name, ours, theirs, also by CPU]. Every one is read from requests per
  // second; the server-against-server ones also from CPU time per request, i.e. requests per
  // CPU second, ours over theirs (> 1: Gatehouse does more with the same CPU). Logging and
  // worker counts change the CPU spent on purpose, so those are compared by throughput only.
  const comparisons = [
    ['token (a), MariaDB / oidc-provider', find(A, 'gatehouse (MariaDB)'), find(A, 'node-oidc-provider'), true],
    ['token (a), SQLite / oidc-provider', find(A, 'gatehouse (SQLite)'), find(A, 'node-oidc-provider'), true],
    ['token (b), MariaDB / oidc-provider', find(B, 'gatehouse (MariaDB)'), find(B, 'node-oidc-provider'), true],
    ['token (a), MariaDB / bare', find(A, 'gatehouse (MariaDB)'), find(A, 'bare fastify'), false],
    ['bearer (c), MariaDB / bare', find(C, 'gatehouse (MariaDB)'), find(C, 'bare fastify'), true],
    ['bearer (c), SQLite / bare', find(C, 'gatehouse (SQLite)'), find(C, 'bare fastify'), true],
    ['unguarded GET (floor under c), MariaDB / bare', find(C, FLOOR), find(C, 'bare fastify'), true],
    ['introspection (d), MariaDB / bare', find(D, 'gatehouse (MariaDB)'), find(D, 'bare fastify'), true],
    ['introspection (d), SQLite / bare', find(D, 'gatehouse (SQLite)'), find(D, 'bare fastify'), false],
    ['token (g) private_key_jwt, MariaDB / oidc-provider', find(G, 'gatehouse (MariaDB)'), find(G, 'node-oidc-provider'), true],
    ['token (g) private_key_jwt, SQLite / oidc-provider', find(G, 'gatehouse (SQLite)'), find(G, 'node-oidc-provider'), true],
    ['token (h) DPoP, MariaDB / oidc-provider', find(H, 'gatehouse (MariaDB)'), find(H, 'node-oidc-provider'), true],
    ['token (h) DPoP, SQLite / oidc-provider', find(H, 'gatehouse (SQLite)'), find(H, 'node-oidc-provider'), true],
    ['token (h) with DPoP / without, MariaDB', find(H, 'gatehouse (MariaDB)'), find(H, NO_DPOP), true],
    ['DPoP GET (i), MariaDB / bare', find(I, 'gatehouse (MariaDB)'), find(I, 'bare fastify'), true],
    ['DPoP GET (i), SQLite / bare', find(I, 'gatehouse (SQLite)'), find(I, 'bare fastify'), true],
    ['DPoP GET (i) / bearer GET, MariaDB', find(I, 'gatehouse (MariaDB)'), find(I, NO_DPOP), true],
    ['token (e): crowded / empty, MariaDB', find(`${E}: token`, servers.crowded.name), find(`${E}: token`, 'gatehouse (MariaDB)'), true],
    ['bearer (e): crowded / empty, MariaDB', find(`${E}: bearer`, servers.crowded.name), find(`${E}: bearer`, 'gatehouse (MariaDB)'), true],
    ['token (f): LOG_LEVEL=info / warn, MariaDB', find('(f) token with LOG_LEVEL=info', 'gatehouse (MariaDB, LOG_LEVEL=info)'), find('(f) token with LOG_LEVEL=info', 'gatehouse (MariaDB)'), false],
    ['token (a), 2 workers / 1 process, MariaDB', find('workers: (a) with 2 workers', 'gatehouse (MariaDB, 2 workers)'), find('workers: (a) with 2 workers', 'gatehouse (MariaDB)'), false],
    ...clusterComparisons,
  ];
  const round2 = (value) => Math.round(value * 100) / 100;
  const ratios = Object.fromEntries(comparisons.map(([name, ours, theirs]) => [name, round2(ours.requestsPerSecond / theirs.requestsPerSecond)]));
  const cpuRatios = Object.fromEntries(comparisons.filter(([, , , byCpu]) => byCpu).map(([name, ours, theirs]) => [name, round2(theirs.cpuMicrosPerRequest / ours.cpuMicrosPerRequest)]));
  process.stdout.write('\nRatios (same run), requests per second:\n');
  for (const [name, value] of Object.entries(ratios)) process.stdout.write(`  ${name.padEnd(44)} ${value.toFixed(2)}\n`);
  process.stdout.write('\nRatios (same run), requests per CPU second (inverse CPU time per request):\n');
  for (const [name, value] of Object.entries(cpuRatios)) process.stdout.write(`  ${name.padEnd(44)} ${value.toFixed(2)}\n`);

  mkdirSync('bench/results', { recursive: true });
  const report = { date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, settings: { CONNECTIONS, DURATION, WARMUP, ROUNDS, EXTRA_CLIENTS, REVOKED_TOKENS, CLUSTER }, results, ratios, cpuRatios };
  writeFileSync('bench/results/latest.json', `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync('bench/results/latest.svg', renderChart(results));
  process.stdout.write('\nWrote bench/results/latest.json and bench/results/latest.svg\n');
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
