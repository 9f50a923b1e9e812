import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from '../audit/entities/audit-event.entity.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { ChangeFeedModule } from '../change-feed/change-feed.module.js';
import { RootClientModule } from '../clients/root-client.module.js';
import { ClockModule } from '../common/clock.js';
import { GatehouseConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { AdminPasswordModule } from '../users/admin-password.module.js';

/** The unit of work alone: AuditModule would bring the audit API and the access policy it needs. */
@Global()
@Module({ imports: [TypeOrmModule.forFeature([AuditEventEntity])], providers: [UnitOfWork], exports: [UnitOfWork] })
class OperatorUnitOfWorkModule {}

/**
 * What the operator commands need of the server, and nothing else: its configuration, its
 * database (migrated on open, as at start), the unit of work that audits and announces every
 * change, and the services that write the root client and the administrator's password. The
 * domain modules are left out because their start-up bootstraps (a generated root client, an
 * administrator, a signing key) are the server's to run, not a maintenance command's.
 */
@Module({
  imports: [ClockModule, GatehouseConfigModule.forRoot(), DatabaseModule, ChangeFeedModule, OperatorUnitOfWorkModule, RootClientModule, AdminPasswordModule],
})
export class OperatorModule {}
