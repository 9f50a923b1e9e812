import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { GatehouseConfig } from '../config/gatehouse-config.js';

/**
 * Readiness during a graceful shutdown. On SIGTERM it turns /health/ready to 503 first and keeps
 * serving for SHUTDOWN_GRACE_SECONDS, so a load balancer takes this instance out before it stops
 * accepting connections; then Nest closes the server, which lets requests in flight finish.
 */
@Injectable()
export class Readiness implements BeforeApplicationShutdown {
  private readonly logger = new Logger(Readiness.name);
  private draining = false;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly config: GatehouseConfig,
  ) {}

  check() {
    const indicator = this.indicators.check('lifecycle');
    return this.draining ? indicator.down({ message: 'shutting down' }) : indicator.up();
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    // Without a signal this is app.close() from code (tests): nothing to announce.
    if (!signal) return;
    this.draining = true;
    this.logger.log(`${signal}: not ready; serving for ${this.config.shutdownGraceMs / 1000} s more, then closing`);
    await new Promise((resolve) => setTimeout(resolve, this.config.shutdownGraceMs));
  }
}
