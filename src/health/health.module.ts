import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { GaleraState } from './galera-state.js';
import { Readiness } from './readiness.js';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [Readiness, GaleraState],
})
export class HealthModule {}
