import { randomUUID } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy.js';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { actorOf } from '../audit/actor.js';
import { UnitOfWork, type Change } from '../audit/unit-of-work.js';
import { type AuthContext } from '../access/auth-context.js';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { type CreateProjectDto, ProjectDto, type UpdateProjectDto } from './dto/project.dto.js';
import { ProjectEntity } from './entities/project.entity.js';
import { ProjectDirectory } from './project-directory.js';
import { Clock } from '../common/clock.js';

/** Projects inside organizations, and the rule for reaching a project's resources with a token. */
@Injectable()
export class ProjectsService {
  constructor(
    @InjectRepository(ProjectEntity) private readonly repository: Repository<ProjectEntity>,
    private readonly organizations: OrganizationDirectory,
    private readonly unitOfWork: UnitOfWork,
    private readonly policy: AccessPolicy,
    private readonly directory: ProjectDirectory,
    private readonly clock: Clock,
  ) {}

  /** A project by id, through the ProjectDirectory cache. */
  find(id: string): Promise<ProjectEntity | undefined> {
    return this.directory.find(id);
  }

  /** A project-scoped token lists its own project only. */
  async list(auth: AuthContext, organization: OrganizationRecord): Promise<ProjectDto[]> {
    const projects = await this.repository.find({ where: { organizationId: organization.id }, order: { createdAt: 'DESC', id: 'ASC' } });
    return this.policy.visibleProjects(auth, projects).map(ProjectDto.from);
  }

  async create(auth: AuthContext, organization: OrganizationRecord, dto: CreateProjectDto): Promise<ProjectDto> {
    const now = this.clock.date();
    const project = this.repository.create({ id: randomUUID(), organizationId: organization.id, name: dto.name, description: dto.description ?? null, createdAt: now, updatedAt: now });
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.insert(ProjectEntity, { ...project });
      await this.record(change, project, 'project.created', { name: project.name });
    });
    return ProjectDto.from(project);
  }

  async get(auth: AuthContext, organization: OrganizationRecord, id: string): Promise<ProjectDto> {
    return ProjectDto.from(await this.findIn(auth, organization, id));
  }

  async update(auth: AuthContext, organization: OrganizationRecord, id: string, dto: UpdateProjectDto): Promise<ProjectDto> {
    const project = await this.findIn(auth, organization, id);
    const changes = { ...(dto.name !== undefined && { name: dto.name }), ...(dto.description !== undefined && { description: dto.description }), updatedAt: this.clock.date() };
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.update(ProjectEntity, { id }, changes);
      await this.record(change, project, 'project.updated', { ...dto });
    });
    return ProjectDto.from({ ...project, ...changes });
  }

  async delete(auth: AuthContext, organization: OrganizationRecord, id: string): Promise<void> {
    const project = await this.findIn(auth, organization, id);
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.delete(ProjectEntity, { id });
      await this.record(change, project, 'project.deleted', { name: project.name });
    });
  }

  private async record(change: Change, project: ProjectEntity, action: string, details: Record<string, unknown>): Promise<void> {
    await change.audit({ action, targetType: 'project', targetId: project.id, organizationId: project.organizationId, details });
    change.announce({ kind: 'project', subject: project.id });
  }

  /**
   * May this token reach the resources of project `id` (its tables)? The access policy decides:
   * the project must be the caller's organization's (else 404), a project-scoped token must name
   * it, and an organization token is refused where the organization requires project-scoped tokens.
   */
  async authorize(auth: AuthContext, id: string): Promise<ProjectEntity> {
    const project = await this.find(id);
    const organization = project && (await this.organizations.findById(project.organizationId));
    return this.policy.checkProject(auth, project, organization?.requireProjectScopedTokens ?? true, id);
  }

  /**
   * A project of `organization` (already resolved for the caller), through the projects API: that
   * manages the project rather than using its resources, so organization tokens are accepted;
   * a project-scoped token reaches its own project only.
   */
  private async findIn(auth: AuthContext, organization: OrganizationRecord, id: string): Promise<ProjectEntity> {
    const project = await this.find(id);
    if (!project || project.organizationId !== organization.id) throw new NotFoundException(`No project with id ${id} in organization ${organization.name}`);
    return this.policy.checkProject(auth, project, false, id);
  }
}
