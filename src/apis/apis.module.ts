import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiDirectoryModule } from './api-directory.module.js';
import { ApiEntity } from './entities/api.entity.js';

/** The APIs (resource servers) organizations register, with their scopes: the management routes. */
@Module({
  imports: [TypeOrmModule.forFeature([ApiEntity]), ApiDirectoryModule],
  exports: [ApiDirectoryModule],
})
export class ApisModule {}
