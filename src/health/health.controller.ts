import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Readiness } from './readiness.js';
import { PublicRoute } from '../access/route-access.js';

/** Liveness and readiness for load balancers and orchestrators. */
@ApiTags('health')
@Controller('health')
@PublicRoute('Health probes for load balancers and orchestrators: they tell whether the process and its database answer, and nothing else')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly readiness: Readiness,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Ready to serve: 200 when the database answers, 503 when it does not or while shutting down' })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable' })
  check(): Promise<HealthCheckResult> {
    return this.ready();
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: same check as /health' })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.readiness.check(), () => this.database.pingCheck('database').withTimeout(2000)]);
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process serves HTTP' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
