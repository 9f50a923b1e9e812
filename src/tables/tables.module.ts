import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProjectsModule } from '../projects/projects.module.js';
import { DataTableEntity } from './entities/data-table.entity.js';
import { TablesController } from './tables.controller.js';
import { TablesService } from './tables.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([DataTableEntity]), ProjectsModule],
  controllers: [TablesController],
  providers: [TablesService],
})
export class TablesModule {}
