import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiDirectory } from './api-directory.js';
import { ApiEntity } from './entities/api.entity.js';

/**
 * The APIs table's one read path, the cached ApiDirectory. Global, like ClientDirectoryModule,
 * and light: the bearer guard reads it, so it needs nothing that the routes define (the
 * ScopeCatalog, which does, is in ScopeCatalogModule).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiEntity])],
  providers: [ApiDirectory],
  exports: [ApiDirectory],
})
export class ApiDirectoryModule {}
