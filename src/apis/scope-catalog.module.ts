import { Global, Module } from '@nestjs/common';
import { ScopesModule } from '../access/scopes.module.js';
import { ApiDirectoryModule } from './api-directory.module.js';
import { ApiScopeHolders } from './api-scope-holders.js';
import { ScopeCatalog } from './scope-catalog.js';

/**
 * The ScopeCatalog (Gatehouse's scopes, which the routes declare, and the organization's APIs'),
 * and the ApiScopeHolders that clients and roles register with. Global: scope validation
 * (clients, authorization, tokens, roles) reads it from every module.
 */
@Global()
@Module({
  imports: [ApiDirectoryModule, ScopesModule],
  providers: [ScopeCatalog, ApiScopeHolders],
  exports: [ScopeCatalog, ApiScopeHolders, ApiDirectoryModule],
})
export class ScopeCatalogModule {}
