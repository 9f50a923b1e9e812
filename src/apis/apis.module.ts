import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScopesModule } from '../access/scopes.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { ApiDirectoryModule } from './api-directory.module.js';
import { ApisController } from './apis.controller.js';
import { ApisService } from './apis.service.js';
import { ApiEntity } from './entities/api.entity.js';
import { CatalogScopesController } from './catalog-scopes.controller.js';

/** The APIs (resource servers) organizations register, with their scopes: the management routes, and the scope list that includes them. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiEntity]), ApiDirectoryModule, ScopesModule, OrganizationsModule],
  controllers: [ApisController, CatalogScopesController],
  providers: [ApisService],
  exports: [ApisService, ApiDirectoryModule],
})
export class ApisModule {}
