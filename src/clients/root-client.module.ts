import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientSecretHasher } from './client-secret-hasher.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import { RootClientService } from './root-client.service.js';

/** The root client's writes, on their own so that `gatehouse create-root-client` needs no more of the server. */
@Module({
  // The organization entity too: a client row refers to one, and TypeORM needs both to map it.
  imports: [TypeOrmModule.forFeature([OAuthClientEntity, OrganizationEntity])],
  // ClientSecretHasher keeps no state: a second instance hashes exactly as ClientDirectoryModule's does.
  providers: [ClientSecretHasher, RootClientService],
  exports: [RootClientService],
})
export class RootClientModule {}
