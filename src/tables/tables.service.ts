import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { actorOf } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { type AuthContext } from '../access/auth-context.js';
import { ProjectsService } from '../projects/projects.service.js';
import { type CreateTableDto, TableDto, type TableListDto } from './dto/table.dto.js';
import { DataTableEntity } from './entities/data-table.entity.js';
import { Clock } from '../common/clock.js';

/** Polaris's Tables API: the resource server that proves project-scoped tokens end to end. */
@Injectable()
export class TablesService {
  constructor(
    @InjectRepository(DataTableEntity) private readonly repository: Repository<DataTableEntity>,
    private readonly projects: ProjectsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async list(auth: AuthContext, projectId: string): Promise<TableListDto> {
    const project = await this.projects.authorize(auth, projectId);
    const tables = await this.repository.find({ where: { projectId: project.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return { values: tables.map(TableDto.from) };
  }

  async create(auth: AuthContext, projectId: string, dto: CreateTableDto): Promise<TableDto> {
    const project = await this.projects.authorize(auth, projectId);
    if (await this.repository.existsBy({ projectId: project.id, name: dto.name })) throw new ConflictException(`Project ${project.id} has a table named ${dto.name} already`);
    const table = this.repository.create({
      id: randomUUID(),
      projectId: project.id,
      name: dto.name,
      type: dto.type ?? 'detail',
      description: dto.description ?? null,
      partitioningGranularity: dto.partitioningGranularity ?? 'day',
      schemaMode: dto.schemaMode ?? 'flexible',
      createdBy: auth.userId ?? auth.clientId,
      createdAt: this.clock.date(),
    });
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      // A copy: on MariaDB, insert() writes the raw column defaults back into its argument.
      await change.manager.insert(DataTableEntity, { ...table });
      await change.audit({ action: 'table.created', targetType: 'table', targetId: table.id, organizationId: project.organizationId, details: { project_id: project.id, name: table.name } });
    });
    return TableDto.from(table);
  }
}
