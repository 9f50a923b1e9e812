import { randomUUID } from 'node:crypto';
import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { type AuthContext } from '../auth/auth-context.js';
import { OrganizationDirectory, type OrganizationRecord } from '../auth/organization-directory.js';
import { ReadThroughCache } from '../common/cache/read-through-cache.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { type CreateProjectDto, ProjectDto, type UpdateProjectDto } from './dto/project.dto.js';
import { ProjectEntity } from './entities/project.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Projects inside organizations, and the rule for reaching a project's resources with a token. */
@Injectable()
export class ProjectsService {
  private readonly cache: ReadThroughCache<ProjectEntity>;

  constructor(
    @InjectRepository(ProjectEntity) private readonly repository: Repository<ProjectEntity>,
    private readonly organizations: OrganizationDirectory,
    config: GatehouseConfig,
  ) {
    this.cache = new ReadThroughCache(config.clientCacheTtlMs, 50_000);
  }

  /** A project by id (cached: the token endpoint asks for it on every project-scoped request). */
  find(id: string): Promise<ProjectEntity | undefined> {
    if (!UUID.test(id)) return Promise.resolve(undefined);
    return this.cache.get(id, async () => (await this.repository.findOneBy({ id })) ?? undefined);
  }

  async list(organization: OrganizationRecord): Promise<ProjectDto[]> {
    const projects = await this.repository.find({ where: { organizationId: organization.id }, order: { createdAt: 'DESC', id: 'ASC' } });
    return projects.map(ProjectDto.from);
  }

  async create(organization: OrganizationRecord, dto: CreateProjectDto): Promise<ProjectDto> {
    const now = new Date();
    const project = this.repository.create({ id: randomUUID(), organizationId: organization.id, name: dto.name, description: dto.description ?? null, createdAt: now, updatedAt: now });
    await this.repository.insert(project);
    return ProjectDto.from(project);
  }

  async get(organization: OrganizationRecord, id: string): Promise<ProjectDto> {
    return ProjectDto.from(await this.findIn(organization, id));
  }

  async update(organization: OrganizationRecord, id: string, dto: UpdateProjectDto): Promise<ProjectDto> {
    const project = await this.findIn(organization, id);
    const changes = { ...(dto.name !== undefined && { name: dto.name }), ...(dto.description !== undefined && { description: dto.description }), updatedAt: new Date() };
    await this.repository.update({ id }, changes);
    this.cache.invalidate(id);
    return ProjectDto.from({ ...project, ...changes });
  }

  async delete(organization: OrganizationRecord, id: string): Promise<void> {
    await this.findIn(organization, id);
    await this.repository.delete({ id });
    this.cache.invalidate(id);
  }

  /**
   * May this token reach the resources of project `id`? The project must belong to the token's
   * organization (else 404, so other organizations' project ids stay secret). A project-scoped
   * token must name this project; an organization token is accepted only where the organization
   * does not require project-scoped tokens (Polaris's rule for projects before its cut-off).
   */
  async authorize(auth: AuthContext, id: string): Promise<ProjectEntity> {
    const project = await this.find(id);
    if (!project || (project.organizationId !== auth.organizationId && !auth.isRoot)) throw new NotFoundException(`No project with id ${id}`);
    if (auth.projectId !== undefined && auth.projectId !== project.id) {
      throw new ForbiddenException(`This access token is scoped to project ${auth.projectId}, not ${project.id}`);
    }
    if (auth.projectId === undefined && !auth.isRoot) {
      const organization = await this.organizations.findById(project.organizationId);
      if (organization?.requireProjectScopedTokens) {
        throw new ForbiddenException(`This project requires a project-scoped token: request one with scope=project-${project.id}`);
      }
    }
    return project;
  }

  private async findIn(organization: OrganizationRecord, id: string): Promise<ProjectEntity> {
    const project = await this.find(id);
    if (!project || project.organizationId !== organization.id) throw new NotFoundException(`No project with id ${id} in organization ${organization.name}`);
    return project;
  }
}
