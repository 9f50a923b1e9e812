import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, type Repository } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { BUILT_IN_ORGANIZATION_ID, OrganizationEntity } from './entities/organization.entity.js';
import { Clock } from '../common/clock.js';

/**
 * Gives the built-in organization (created by a migration) the realm name DEFAULT_ORGANIZATION
 * asks for, audited and announced on the change feed so that other processes drop the old name.
 */
@Injectable()
export class DefaultOrganizationBootstrap implements OnModuleInit {
  constructor(
    @InjectRepository(OrganizationEntity) private readonly repository: Repository<OrganizationEntity>,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    const name = this.config.defaultOrganization;
    const builtIn = await this.repository.findOneByOrFail({ id: BUILT_IN_ORGANIZATION_ID });
    if (builtIn.name === name) return;
    if (await this.repository.existsBy({ name, id: Not(BUILT_IN_ORGANIZATION_ID) })) {
      throw new Error(`DEFAULT_ORGANIZATION=${name} names an organization that already exists; choose another name`);
    }
    await this.unitOfWork.run(SYSTEM_ACTOR, async (change) => {
      await change.manager.update(OrganizationEntity, { id: BUILT_IN_ORGANIZATION_ID }, { name, updatedAt: this.clock.date() });
      await change.audit({ action: 'organization.updated', targetType: 'organization', targetId: BUILT_IN_ORGANIZATION_ID, organizationId: BUILT_IN_ORGANIZATION_ID, details: { name, by: 'DEFAULT_ORGANIZATION' } });
      change.announce({ kind: 'organization', subject: BUILT_IN_ORGANIZATION_ID });
    });
  }
}
