import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoleDirectoryModule } from '../roles/role-directory.module.js';
import { ClientDirectory } from './client-directory.js';
import { ClientSecretCipher } from './client-secret-cipher.js';
import { ClientSecretHasher } from './client-secret-hasher.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { WebOriginDirectory } from './web-origin-directory.js';

/**
 * The clients table's one read path, the cached ClientDirectory (and its web origins), and the
 * format of a client's secret (hashed; encrypted for client_secret_jwt). Global, because authentication reads clients on every request, from every module.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OAuthClientEntity]), RoleDirectoryModule],
  providers: [ClientDirectory, ClientSecretHasher, ClientSecretCipher, WebOriginDirectory],
  exports: [ClientDirectory, ClientSecretHasher, ClientSecretCipher, WebOriginDirectory],
})
export class ClientDirectoryModule {}
