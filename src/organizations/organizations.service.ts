import { randomUUID } from 'node:crypto';
import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { type AuthContext } from '../auth/auth-context.js';
import { ClientDirectory } from '../auth/client-directory.js';
import { OrganizationDirectory, type OrganizationRecord } from '../auth/organization-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { type CreateOrganizationDto, DEFAULT_ORGANIZATION_TOKEN_LIFESPAN_SECONDS, OrganizationDto, type UpdateOrganizationDto } from './dto/organization.dto.js';
import { OrganizationEntity } from './entities/organization.entity.js';

/**
 * Organizations. The root client sees and manages all of them; any other client sees only its
 * own, and others' answer 404 as if they did not exist.
 */
@Injectable()
export class OrganizationsService {
  constructor(
    @InjectRepository(OrganizationEntity) private readonly repository: Repository<OrganizationEntity>,
    private readonly directory: OrganizationDirectory,
    private readonly clients: ClientDirectory,
    private readonly config: GatehouseConfig,
  ) {}

  /** The organization named `name`, if the caller may see it; else 404. */
  async resolve(auth: AuthContext, name: string): Promise<OrganizationRecord> {
    const organization = await this.directory.findByName(name);
    if (!organization || (!auth.isRoot && organization.id !== auth.organizationId)) throw new NotFoundException(`No organization named ${name}`);
    return organization;
  }

  async list(auth: AuthContext): Promise<OrganizationDto[]> {
    const rows = await this.repository.find({ where: auth.isRoot ? {} : { id: auth.organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((row) => this.toDto(row));
  }

  async get(auth: AuthContext, name: string): Promise<OrganizationDto> {
    const organization = await this.resolve(auth, name);
    return this.toDto(await this.repository.findOneByOrFail({ id: organization.id }));
  }

  async create(auth: AuthContext, dto: CreateOrganizationDto): Promise<OrganizationDto> {
    if (!auth.isRoot) throw new ForbiddenException('Only the root client creates organizations');
    if (await this.repository.existsBy({ name: dto.name })) throw new ConflictException(`An organization named ${dto.name} exists already`);
    const now = new Date();
    const organization = this.repository.create({
      id: randomUUID(),
      name: dto.name,
      displayName: dto.display_name,
      oauthEnabled: dto.oauth_enabled ?? false,
      accessTokenLifespan: dto.access_token_lifespan ?? DEFAULT_ORGANIZATION_TOKEN_LIFESPAN_SECONDS,
      requireProjectScopedTokens: dto.require_project_scoped_tokens ?? true,
      builtIn: false,
      createdAt: now,
      updatedAt: now,
    });
    // A copy: on MariaDB, insert() writes the raw column defaults (0/1, not booleans) back into its argument.
    await this.repository.insert({ ...organization });
    this.directory.invalidate();
    return this.toDto(organization);
  }

  async update(auth: AuthContext, name: string, dto: UpdateOrganizationDto): Promise<OrganizationDto> {
    const organization = await this.repository.findOneByOrFail({ id: (await this.resolve(auth, name)).id });
    const changes: Partial<OrganizationEntity> = {
      ...(dto.display_name !== undefined && { displayName: dto.display_name }),
      ...(dto.oauth_enabled !== undefined && { oauthEnabled: dto.oauth_enabled }),
      ...(dto.access_token_lifespan !== undefined && { accessTokenLifespan: dto.access_token_lifespan }),
      ...(dto.require_project_scoped_tokens !== undefined && { requireProjectScopedTokens: dto.require_project_scoped_tokens }),
      updatedAt: new Date(),
    };
    if (organization.builtIn && changes.oauthEnabled === false) throw new ForbiddenException('OAuth cannot be disabled for the built-in organization: the root client lives there');
    await this.repository.update({ id: organization.id }, changes);
    this.directory.invalidate();
    return this.toDto({ ...organization, ...changes });
  }

  /** Deletes the organization with its clients and projects (foreign keys cascade). */
  async delete(auth: AuthContext, name: string): Promise<void> {
    const organization = await this.resolve(auth, name);
    if (!auth.isRoot) throw new ForbiddenException('Only the root client deletes organizations');
    if (organization.builtIn) throw new ForbiddenException('The built-in organization cannot be deleted');
    await this.repository.delete({ id: organization.id });
    this.directory.invalidate();
    // Its clients are gone: drop whatever this process remembers of them.
    this.clients.invalidateAll();
  }

  private toDto(row: OrganizationEntity): OrganizationDto {
    return OrganizationDto.from(row, { issuer: `${this.config.issuer}/auth/realms/${row.name}` });
  }
}
