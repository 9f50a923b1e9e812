import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { UnitOfWork } from './unit-of-work.js';
import { AuditEventEntity } from './entities/audit-event.entity.js';

/** The audit trail. Global: every module writes its changes through the UnitOfWork, which records them. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  controllers: [AuditController],
  providers: [UnitOfWork, AuditService],
  exports: [UnitOfWork],
})
export class AuditModule {}
