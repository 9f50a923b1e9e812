import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationEntity } from './entities/organization.entity.js';
import { OrganizationDirectory } from './organization-directory.js';

/** The organizations table's cached read path. Global, because every realm path and token reads it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OrganizationEntity])],
  providers: [OrganizationDirectory],
  exports: [OrganizationDirectory],
})
export class OrganizationDirectoryModule {}
