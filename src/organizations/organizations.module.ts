import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DefaultOrganizationBootstrap } from './default-organization.bootstrap.js';
import { OrganizationEntity } from './entities/organization.entity.js';
import { OrganizationDirectoryModule } from './organization-directory.module.js';
import { OrganizationsController } from './organizations.controller.js';
import { OrganizationsService } from './organizations.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([OrganizationEntity]), OrganizationDirectoryModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, DefaultOrganizationBootstrap],
  exports: [OrganizationsService, OrganizationDirectoryModule],
})
export class OrganizationsModule {}
