import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

/** wsrep_local_state 4: the node has the cluster's whole state and applies writes as they come. */
const SYNCED = '4';

/**
 * The state of this instance's Galera node, for /health/ready: an instance whose node has left the
 * cluster, lost quorum or is still catching up answers 503, so the load balancer stops sending it
 * requests that would fail or read stale data. On SQLite and on a MariaDB without Galera there is
 * nothing to report and the check adds nothing to the answer.
 */
@Injectable()
export class GaleraState {
  /** Whether the database is a Galera node, asked once: it does not change while connected. */
  private galera: Promise<boolean> | undefined;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
  ) {}

  async check() {
    if (!(await this.isGalera())) return undefined;
    const indicator = this.indicators.check('galera');
    const rows = (await this.dataSource.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state', 'wsrep_local_state_comment', 'wsrep_cluster_status', 'wsrep_cluster_size')")) as { Variable_name: string; Value: string }[];
    const status = Object.fromEntries(rows.map((row) => [row.Variable_name, row.Value]));
    const state = {
      wsrep_ready: status.wsrep_ready,
      wsrep_local_state: Number(status.wsrep_local_state),
      wsrep_local_state_comment: status.wsrep_local_state_comment,
      wsrep_cluster_status: status.wsrep_cluster_status,
      wsrep_cluster_size: Number(status.wsrep_cluster_size),
    };
    const serving = status.wsrep_ready === 'ON' && status.wsrep_local_state === SYNCED && status.wsrep_cluster_status === 'Primary';
    return serving ? indicator.up(state) : indicator.down(state);
  }

  private isGalera(): Promise<boolean> {
    if (!['mysql', 'mariadb'].includes(this.dataSource.options.type)) return Promise.resolve(false);
    this.galera ??= this.dataSource.query('SELECT @@global.wsrep_on AS wsrep_on').then(
      (rows: { wsrep_on: number | string }[]) => Number(rows[0]?.wsrep_on) === 1,
      // MySQL without the wsrep variables: not Galera. Asked again next time, in case the query failed for another reason.
      () => ((this.galera = undefined), false),
    );
    return this.galera;
  }
}
