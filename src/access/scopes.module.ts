import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ScopeRegistry } from './scope-registry.js';
import { ScopesController } from './scopes.controller.js';

@Module({
  imports: [DiscoveryModule],
  controllers: [ScopesController],
  providers: [ScopeRegistry],
  exports: [ScopeRegistry],
})
export class ScopesModule {}
