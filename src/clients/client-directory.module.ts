import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoleDirectoryModule } from '../roles/role-directory.module.js';
import { ClientDirectory } from './client-directory.js';
import { ClientSecretHasher } from './client-secret-hasher.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { WebOriginDirectory } from './web-origin-directory.js';

/**
 * The clients table's one read path, the cached ClientDirectory (and its web origins), and the
 * format of a client's secret. Global, because authentication reads clients on every request, from every module.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OAuthClientEntity]), RoleDirectoryModule],
  providers: [ClientDirectory, ClientSecretHasher, WebOriginDirectory],
  exports: [ClientDirectory, ClientSecretHasher, WebOriginDirectory],
})
export class ClientDirectoryModule {}
