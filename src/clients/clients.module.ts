import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { ClientsController } from './clients.controller.js';
import { ClientsService } from './clients.service.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { RootClientBootstrap } from './root-client.bootstrap.js';

@Module({
  imports: [TypeOrmModule.forFeature([OAuthClientEntity]), ScopesModule, OrganizationsModule, TokensModule],
  controllers: [ClientsController],
  providers: [ClientsService, RootClientBootstrap],
})
export class ClientsModule {}
