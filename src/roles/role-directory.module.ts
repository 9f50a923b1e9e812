import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoleEntity } from './entities/role.entity.js';
import { RoleDirectory } from './role-directory.js';
import { RoleHolders } from './role-holders.js';

/**
 * The organizations' roles, cached and resolved (RoleDirectory, against the global ScopeCatalog of
 * ScopeCatalogModule, which the application imports with the routes),
 * and the register of who holds them. Global, because every client's and user's scopes are
 * resolved through it.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RoleEntity])],
  providers: [RoleDirectory, RoleHolders],
  exports: [RoleDirectory, RoleHolders],
})
export class RoleDirectoryModule {}
