// The cluster part of npm run bench (BENCH_CLUSTER=1): Gatehouse instances behind HAProxy on the
// three-node Galera cluster of scripts/cluster.mjs, on ports and a data folder of its own (clear of
// the bench's 9400s and of the Galera drill's 3320s/4667/4544/9480s). CPU is counted over the
// instances that run and all three Galera nodes, so that what replication costs shows per request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { galera, startCluster } from '../scripts/cluster.mjs';

const CLUSTER_ENV = {
  GALERA_BASE: '/tmp/gatehouse-bench-galera',
  GALERA_SQL_PORT_BASE: '3330',
  GALERA_GCOMM_PORT_BASE: '4767',
  GALERA_SST_PORT_BASE: '4644',
  CLUSTER_PORT: '9460',
  CLUSTER_INSTANCE_PORT_BASE: '9460',
};

const pidIn = (file) => Number(readFileSync(file, 'utf8').trim());

/** The process id of the MariaDB server behind `databaseUrl` (from its own @@pid_file). */
export async function mariadbPid(databaseUrl) {
  const connection = await mysql.createConnection(databaseUrl);
  const [[{ file }]] = await connection.query('SELECT @@pid_file AS file');
  await connection.end();
  return pidIn(file);
}

/**
 * Starts the cluster from empty data with `gatehouseEnv` for every instance. The handle's
 * `target(name)` is a bench target for HAProxy whose CPU is that of the instances running now and
 * of the three Galera nodes, also reported apart; `scaleDown(n)` stops instance n and waits until HAProxy has dropped it.
 */
export async function startBenchCluster(gatehouseEnv) {
  const env = { PATH: process.env.PATH, ...gatehouseEnv, ...CLUSTER_ENV };
  await galera(['destroy'], { env, quiet: true }).catch(() => undefined);
  const cluster = await startCluster({ env, output: () => {} });
  const nodePids = () => [1, 2, 3].map((n) => pidIn(join(CLUSTER_ENV.GALERA_BASE, `node${n}`, 'mariadbd.pid')));
  const instancePids = () => [1, 2, 3].map((n) => cluster.instancePid(n)).filter(Boolean);
  return {
    url: cluster.url,
    running: () => instancePids().length,
    target: (name) => ({ name, url: cluster.url, pids: () => [...instancePids(), ...nodePids()], parts: () => ({ instances: instancePids(), galera: nodePids() }) }),
    async scaleDown(n) {
      await cluster.stopInstance(n);
      // HAProxy checks every 500 ms and drops an instance after two failures; it saw /health/ready
      // answer 503 while the instance drained, so this is a margin, not the wait itself.
      await new Promise((resolve) => setTimeout(resolve, 1500));
    },
    stop: () => cluster.stop(),
  };
}
