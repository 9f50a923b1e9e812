import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoleDirectoryModule } from '../roles/role-directory.module.js';
import { ClientDirectory } from './client-directory.js';
import { ClientSecretHasher } from './client-secret-hasher.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';

/**
 * The clients table's one read path, the cached ClientDirectory, and the format of a client's
 * secret. Global, because authentication reads clients on every request, from every module.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OAuthClientEntity]), RoleDirectoryModule],
  providers: [ClientDirectory, ClientSecretHasher],
  exports: [ClientDirectory, ClientSecretHasher],
})
export class ClientDirectoryModule {}
