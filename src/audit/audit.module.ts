import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { AuditTrail } from './audit-trail.js';
import { AuditEventEntity } from './entities/audit-event.entity.js';

/** The audit trail. Global: every module that changes something records it through AuditTrail. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  controllers: [AuditController],
  providers: [AuditTrail, AuditService],
  exports: [AuditTrail],
})
export class AuditModule {}
