import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScopeRegistry } from './scope-registry.js';

/** The scope registry. The scope list is served by apis/ (with the organization's API scopes) and the roles by roles/. */
@Module({
  imports: [DiscoveryModule],
  providers: [ScopeRegistry],
  exports: [ScopeRegistry],
})
export class ScopesModule {}
