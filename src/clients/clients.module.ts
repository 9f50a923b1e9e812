import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { ScopeCatalogModule } from '../apis/scope-catalog.module.js';
import { ClientDirectoryModule } from './client-directory.module.js';
import { ClientsController } from './clients.controller.js';
import { ClientsService } from './clients.service.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { RootClientBootstrap } from './root-client.bootstrap.js';
import { FirstPartyClientsBootstrap } from './first-party-clients.bootstrap.js';
import { RootClientModule } from './root-client.module.js';

@Module({
  imports: [TypeOrmModule.forFeature([OAuthClientEntity]), ClientDirectoryModule, ScopeCatalogModule, OrganizationsModule, RootClientModule],
  controllers: [ClientsController],
  providers: [ClientsService, RootClientBootstrap, FirstPartyClientsBootstrap],
  exports: [ClientsService, ClientDirectoryModule],
})
export class ClientsModule {}
