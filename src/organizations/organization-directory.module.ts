import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationEntity } from './entities/organization.entity.js';
import { OrganizationDirectory } from './organization-directory.js';
import { OrganizationHolders } from './organization-holders.js';

/** The organizations table's cached read path, and the register of who holds scopes in an organization. Global, because every realm path and token reads it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OrganizationEntity])],
  providers: [OrganizationDirectory, OrganizationHolders],
  exports: [OrganizationDirectory, OrganizationHolders],
})
export class OrganizationDirectoryModule {}
