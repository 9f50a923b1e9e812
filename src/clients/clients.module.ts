import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { ScopesModule } from '../access/scopes.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { ClientDirectoryModule } from './client-directory.module.js';
import { ClientsController } from './clients.controller.js';
import { ClientsService } from './clients.service.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { RootClientBootstrap } from './root-client.bootstrap.js';

@Module({
  imports: [TypeOrmModule.forFeature([OAuthClientEntity]), ClientDirectoryModule, ScopesModule, OrganizationsModule, TokensModule],
  controllers: [ClientsController],
  providers: [ClientsService, RootClientBootstrap],
  exports: [ClientDirectoryModule],
})
export class ClientsModule {}
