import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { GaleraState } from './galera-state.js';
import { Readiness } from './readiness.js';
import { PublicRoute } from '../access/route-access.js';

/** What /health answers when its database does not (the indicators are this controller's, see `ready`). */
const UNAVAILABLE_EXAMPLE = {
  status: 'error',
  info: { lifecycle: { status: 'up' } },
  error: { database: { status: 'down', message: 'timeout of 2000ms exceeded' } },
  details: { lifecycle: { status: 'up' }, database: { status: 'down', message: 'timeout of 2000ms exceeded' } },
};
const READY_EXAMPLE = { status: 'ok', info: { lifecycle: { status: 'up' }, database: { status: 'up' } }, error: {}, details: { lifecycle: { status: 'up' }, database: { status: 'up' } } };

/** Liveness and readiness for load balancers and orchestrators. */
@ApiTags('health')
@Controller('health')
@PublicRoute('Health probes for load balancers and orchestrators: they tell whether the process and its database answer, and nothing else')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly readiness: Readiness,
    private readonly galera: GaleraState,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Ready to serve: 200 when the database answers, 503 when it does not or while shutting down' })
  @ApiOkResponse({ description: 'Ready', example: READY_EXAMPLE })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable, or the server is shutting down (`lifecycle` down)', example: UNAVAILABLE_EXAMPLE })
  check(): Promise<HealthCheckResult> {
    return this.ready();
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: same check as /health' })
  @ApiOkResponse({ description: 'Ready', example: READY_EXAMPLE })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable, the server is shutting down (`lifecycle` down), or its Galera node is not Synced in a Primary component (`galera` down, with the node\'s `wsrep_*` state)', example: UNAVAILABLE_EXAMPLE })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.readiness.check(), () => this.database.pingCheck('database').withTimeout(2000), async () => (await this.galera.check()) ?? {}]);
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process serves HTTP' })
  @ApiOkResponse({ description: 'The process serves HTTP', example: { status: 'ok' } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
