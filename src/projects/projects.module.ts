import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { ProjectEntity } from './entities/project.entity.js';
import { ProjectDirectory } from './project-directory.js';
import { ProjectsController } from './projects.controller.js';
import { ProjectsService } from './projects.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ProjectEntity]), OrganizationsModule],
  controllers: [ProjectsController],
  providers: [ProjectsService, ProjectDirectory],
  exports: [ProjectsService, ProjectDirectory],
})
export class ProjectsModule {}
