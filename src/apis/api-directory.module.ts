import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScopesModule } from '../access/scopes.module.js';
import { ApiDirectory } from './api-directory.js';
import { ApiScopeHolders } from './api-scope-holders.js';
import { ApiEntity } from './entities/api.entity.js';
import { ScopeCatalog } from './scope-catalog.js';

/**
 * The APIs table's one read path, the cached ApiDirectory, the ScopeCatalog built on it, and the
 * ApiScopeHolders that clients (and roles) register with.
 * Global, like ClientDirectoryModule: scope validation (clients, authorization, tokens, roles)
 * reads it from every module.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiEntity]), ScopesModule],
  providers: [ApiDirectory, ScopeCatalog, ApiScopeHolders],
  exports: [ApiDirectory, ScopeCatalog, ApiScopeHolders],
})
export class ApiDirectoryModule {}
