import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator.js';
import { MetricsScopes } from '../scopes/metrics.scopes.js';
import { MetricsService } from './metrics.service.js';

/** Prometheus's text exposition format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Authenticated({ scope: MetricsScopes.read, reach: 'platform' })
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  @ApiOperation({ summary: 'Prometheus metrics of every organization (scrape with a token holding metrics:read)' })
  @ApiOkResponse({ description: 'Prometheus text exposition format' })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
