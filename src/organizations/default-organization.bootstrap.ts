import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, type Repository } from 'typeorm';
import { OrganizationDirectory } from '../auth/organization-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { BUILT_IN_ORGANIZATION_ID, OrganizationEntity } from './entities/organization.entity.js';
import { Clock } from '../common/clock.js';

/** Gives the built-in organization (created by a migration) the realm name DEFAULT_ORGANIZATION asks for. */
@Injectable()
export class DefaultOrganizationBootstrap implements OnModuleInit {
  constructor(
    @InjectRepository(OrganizationEntity) private readonly repository: Repository<OrganizationEntity>,
    private readonly directory: OrganizationDirectory,
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
    await this.repository.update({ id: BUILT_IN_ORGANIZATION_ID }, { name, updatedAt: this.clock.date() });
    this.directory.invalidate();
  }
}
