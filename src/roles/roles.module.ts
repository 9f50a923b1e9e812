import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { RoleDirectoryModule } from './role-directory.module.js';
import { RolesController } from './roles.controller.js';
import { RolesService } from './roles.service.js';

@Module({
  imports: [RoleDirectoryModule, OrganizationsModule],
  controllers: [RolesController],
  providers: [RolesService],
  exports: [RolesService, RoleDirectoryModule],
})
export class RolesModule {}
