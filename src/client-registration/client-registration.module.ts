import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiDirectoryModule } from '../apis/api-directory.module.js';
import { ScopeCatalogModule } from '../apis/scope-catalog.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { ClientRegistrationController } from './client-registration.controller.js';
import { ClientRegistrationService } from './client-registration.service.js';
import { ClientRegistrationEntity } from './entities/client-registration.entity.js';
import { InitialAccessTokenEntity } from './entities/initial-access-token.entity.js';
import { InitialAccessTokensController } from './initial-access-tokens.controller.js';
import { InitialAccessTokensService } from './initial-access-tokens.service.js';
import { OpenRegistrationLimiter } from './open-registration-limiter.js';

/** Dynamic Client Registration (RFC 7591, RFC 7592) and the initial access tokens administrators issue for it. */
@Module({
  imports: [TypeOrmModule.forFeature([ClientRegistrationEntity, InitialAccessTokenEntity]), ClientsModule, OrganizationsModule, ScopeCatalogModule, ApiDirectoryModule],
  controllers: [ClientRegistrationController, InitialAccessTokensController],
  providers: [ClientRegistrationService, InitialAccessTokensService, OpenRegistrationLimiter],
})
export class ClientRegistrationModule {}
