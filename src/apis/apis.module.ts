import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScopesModule } from '../access/scopes.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { ScopeCatalogModule } from './scope-catalog.module.js';
import { ApisController } from './apis.controller.js';
import { ApisService } from './apis.service.js';
import { ApiEntity } from './entities/api.entity.js';
import { CatalogScopesController } from './catalog-scopes.controller.js';

/** The APIs (resource servers) organizations register, with their scopes: the management routes, and the scope list that includes them. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiEntity]), ScopeCatalogModule, ScopesModule, OrganizationsModule],
  controllers: [ApisController, CatalogScopesController],
  providers: [ApisService],
  exports: [ApisService, ScopeCatalogModule],
})
export class ApisModule {}
