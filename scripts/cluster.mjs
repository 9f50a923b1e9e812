#!/usr/bin/env node
// `npm run cluster`: three MariaDB Galera nodes, three Gatehouse instances (one per node) and
// HAProxy in front of them, all on 127.0.0.1 with their own ports and data folders. Ctrl-C stops
// everything it started. Also imported by the Galera tests and drills (startCluster).
//
// One instance per node rather than all instances through a database proxy: every instance then
// writes through its own node, so the cluster really is used as a multi-writer database (the
// certification conflicts and interleaved auto-increment ids Gatehouse must handle happen), and
// losing a node takes out exactly one instance, which HAProxy's health check removes.
import { spawn, execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const clusterScript = join(root, 'scripts', 'galera', 'cluster.sh');
const run = promisify(execFile);

/** The ports and folders of one cluster; every value can be moved with an environment variable. */
export function clusterLayout(env = process.env) {
  const base = env.GALERA_BASE ?? '/tmp/gatehouse-galera';
  const sqlBase = Number(env.GALERA_SQL_PORT_BASE ?? 3310);
  const instanceBase = Number(env.CLUSTER_INSTANCE_PORT_BASE ?? 8180);
  const proxyPort = Number(env.CLUSTER_PORT ?? 8080);
  const database = env.GALERA_DB ?? 'gatehouse';
  return {
    base,
    database,
    proxyPort,
    url: `http://127.0.0.1:${proxyPort}`,
    nodes: [1, 2, 3].map((n) => ({ n, url: `mysql://root@127.0.0.1:${sqlBase + n}/${database}` })),
    instances: [1, 2, 3].map((n) => ({ n, port: instanceBase + n, url: `http://127.0.0.1:${instanceBase + n}` })),
  };
}

/** Runs scripts/galera/cluster.sh with the given arguments (its progress goes to stderr). */
export async function galera(args, { env = process.env, quiet = false } = {}) {
  const { stdout, stderr } = await run(clusterScript, args, { env: { GALERA_DB: 'gatehouse', ...env }, maxBuffer: 1 << 20 }).catch((error) => {
    if (!quiet) process.stderr.write(error.stderr ?? '');
    throw new Error(`cluster.sh ${args.join(' ')} failed: ${error.message.split('\n')[0]}`);
  });
  // Its progress (and any retried join, with the error log's end) belongs in the caller's output.
  if (!quiet) process.stderr.write(stderr);
  return stdout;
}

function haproxyConfig(layout) {
  const servers = layout.instances.map((instance) => `  server gatehouse${instance.n} 127.0.0.1:${instance.port} check inter 500 fall 2 rise 2`).join('\n');
  // /health/ready answers 503 while an instance drains for shutdown (SHUTDOWN_GRACE_SECONDS, 5 s:
  // time for two failed checks) or its Galera node is not
  // Synced, so HAProxy stops routing to it before requests fail; a failed connection is retried
  // on another instance (redispatch), which covers an instance killed between two checks.
  return `global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  # A slow readiness answer (a busy machine, a node blocking writes while it evicts a dead peer) is
  # not a failed one: without this, a check times out after \`inter\` and a healthy instance is dropped.
  timeout check 2s
  retries 2
  option redispatch
  option http-server-close
frontend gatehouse
  bind 127.0.0.1:${layout.proxyPort}
  option forwardfor
  default_backend instances
backend instances
  balance roundrobin
  option httpchk GET /health/ready
  http-check expect status 200
${servers}
`;
}

/** The environment of instance `n`: its node, its port, and what every instance must share. */
function instanceEnv(layout, n, env) {
  return {
    ...env,
    PORT: String(layout.instances[n - 1].port),
    HOST: '127.0.0.1',
    DATABASE_URL: layout.nodes[n - 1].url,
    // One issuer for the cluster: tokens name the address clients use, HAProxy's.
    PUBLIC_URL: env.PUBLIC_URL ?? layout.url,
    TRUST_PROXY: '127.0.0.1',
  };
}

/** Polls `check` until it answers true; an error it throws ends the wait. */
async function until(check, what, timeoutMs = 240_000) {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const ready = (url) => () =>
  fetch(`${url}/health/ready`).then(
    (response) => response.status === 200,
    () => false, // not listening yet
  );

/**
 * Starts the whole cluster and resolves when HAProxy routes to three ready instances. `output`
 * receives each instance's log lines, prefixed with its name. The handle can kill and restart
 * instances and nodes (for the drills) and stops everything it started.
 */
export async function startCluster({ env = process.env, output = (line) => process.stdout.write(`${line}\n`) } = {}) {
  const layout = clusterLayout(env);
  mkdirSync(layout.base, { recursive: true });
  await galera(['start'], { env });
  const instances = new Map();
  const startInstance = async (n) => {
    const child = spawn(process.execPath, [join(root, 'dist', 'main.js')], { cwd: root, env: instanceEnv(layout, n, env), stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.setEncoding('utf8').on('data', (chunk) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop();
        for (const line of lines) output(`[gatehouse${n}] ${line}`);
      });
    }
    instances.set(n, child);
    const isReady = ready(layout.instances[n - 1].url);
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`gatehouse${n} exited (${child.exitCode}) before it was ready`);
      return isReady();
    }, `gatehouse${n} ready`);
  };
  const stopInstance = async (n, signal = 'SIGTERM') => {
    const child = instances.get(n);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  let haproxy;
  try {
    // The first instance migrates the empty database; the others then find it current.
    for (const n of [1, 2, 3]) await startInstance(n);
    const configFile = join(layout.base, 'haproxy.cfg');
    writeFileSync(configFile, haproxyConfig(layout));
    haproxy = spawn('haproxy', ['-db', '-q', '-f', configFile], { stdio: ['ignore', 'inherit', 'inherit'] });
    await until(ready(layout.url), 'HAProxy routing to a ready instance', 30_000);
  } catch (error) {
    // Leave nothing running behind a failed start.
    haproxy?.kill('SIGTERM');
    await Promise.all([1, 2, 3].map((n) => stopInstance(n, 'SIGKILL')));
    await galera(['stop'], { env, quiet: true }).catch(() => undefined);
    throw error;
  }
  let stopped = false;
  return {
    layout,
    url: layout.url,
    startInstance,
    stopInstance,
    /** The process id of instance `n`, while it runs (the benchmark reads its CPU time). */
    instancePid: (n) => (instances.get(n)?.exitCode === null ? instances.get(n).pid : undefined),
    killInstance: (n) => stopInstance(n, 'SIGKILL'),
    killNode: (n) => galera(['kill', String(n)], { env }),
    restartNode: (n) => galera(['restart', String(n)], { env }),
    status: () => galera(['status'], { env, quiet: true }),
    async stop() {
      if (stopped) return;
      stopped = true;
      haproxy.kill('SIGTERM');
      await Promise.all([1, 2, 3].map((n) => stopInstance(n)));
      await galera(['stop'], { env });
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cluster = await startCluster().catch((error) => {
    console.error(`npm run cluster: ${error.message}`);
    process.exit(1);
  });
  const { layout } = cluster;
  console.log(`
Gatehouse cluster ready: ${cluster.url}  (HAProxy; console at ${cluster.url}/console, docs at ${cluster.url}/docs)
  instances: ${layout.instances.map((instance) => instance.url).join('  ')}
  Galera:    ${layout.nodes.map((node) => node.url).join('  ')}
  status:    scripts/galera/cluster.sh status   (data in ${layout.base})
Ctrl-C stops everything this started (the Galera data is kept; scripts/galera/cluster.sh destroy removes it).`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping HAProxy, the instances and the Galera nodes…');
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
