import { randomUUID } from 'node:crypto';
import { ConflictException, ForbiddenException, Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy.js';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { actorOf } from '../audit/actor.js';
import { UnitOfWork, type Change } from '../audit/unit-of-work.js';
import { type AuthContext } from '../access/auth-context.js';
import { OrganizationDirectory, type OrganizationRecord } from './organization-directory.js';
import { NotBeforeDto } from '../common/dto/not-before.dto.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { type CreateOrganizationDto, DEFAULT_ORGANIZATION_TOKEN_LIFESPAN_SECONDS, OrganizationDto, type UpdateOrganizationDto } from './dto/organization.dto.js';
import { OrganizationEntity } from './entities/organization.entity.js';
import { OrganizationHolders } from './organization-holders.js';
import { Clock } from '../common/clock.js';
import { ScopeRegistry } from '../access/scope-registry.js';
import { ModuleRef } from '@nestjs/core';

/**
 * Organizations. The root client sees and manages all of them; a platform administrator (who
 * holds organization:create or organization:delete) sees all of them, creates and deletes them,
 * and changes only its own; anyone else sees only its own, and others' answer 404 as if they did
 * not exist.
 */
@Injectable()
export class OrganizationsService {
  constructor(
    @InjectRepository(OrganizationEntity) private readonly repository: Repository<OrganizationEntity>,
    private readonly directory: OrganizationDirectory,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: GatehouseConfig,
    private readonly policy: AccessPolicy,
    private readonly holders: OrganizationHolders,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** The organization named `name`, if the caller may see it; else 404. */
  async resolve(auth: AuthContext, name: string): Promise<OrganizationRecord> {
    const organization = await this.directory.findByName(name);
    return this.policy.checkSeesOrganization(auth, organization, `No organization named ${name}`);
  }

  /** The organization named `name` as a record to read or delete: a platform administrator sees every one (rule 2 keeps what is in it). */
  private async resolveRecord(auth: AuthContext, name: string): Promise<OrganizationRecord> {
    return this.policy.checkSeesOrganizationRecord(auth, await this.directory.findByName(name), `No organization named ${name}`);
  }

  async list(auth: AuthContext): Promise<OrganizationDto[]> {
    const listed = this.policy.seesEveryOrganization(auth) ? undefined : this.policy.listedOrganization(auth);
    const rows = await this.repository.find({ where: listed === undefined ? {} : { id: listed }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((row) => this.toDto(row));
  }

  async get(auth: AuthContext, name: string): Promise<OrganizationDto> {
    const organization = await this.resolveRecord(auth, name);
    return this.toDto(await this.repository.findOneByOrFail({ id: organization.id }));
  }

  async create(auth: AuthContext, dto: CreateOrganizationDto): Promise<OrganizationDto> {
    if (await this.repository.existsBy({ name: dto.name })) throw new ConflictException(`An organization named ${dto.name} exists already`);
    const now = this.clock.date();
    const organization = this.repository.create({
      id: randomUUID(),
      name: dto.name,
      displayName: dto.display_name,
      oauthEnabled: dto.oauth_enabled ?? false,
      accessTokenLifespan: dto.access_token_lifespan ?? DEFAULT_ORGANIZATION_TOKEN_LIFESPAN_SECONDS,
      requireProjectScopedTokens: dto.require_project_scoped_tokens ?? true,
      openRegistration: dto.open_registration ?? false,
      requirePushedAuthorizationRequests: dto.require_pushed_authorization_requests ?? false,
      builtIn: false,
      createdAt: now,
      updatedAt: now,
    });
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      // A copy: on MariaDB, insert() writes the raw column defaults (0/1, not booleans) back into its argument.
      await change.manager.insert(OrganizationEntity, { ...organization });
      await this.record(change, organization, 'organization.created', { name: dto.name, oauth_enabled: organization.oauthEnabled });
    });
    return this.toDto(organization);
  }

  async update(auth: AuthContext, name: string, dto: UpdateOrganizationDto): Promise<OrganizationDto> {
    const organization = await this.repository.findOneByOrFail({ id: (await this.resolve(auth, name)).id });
    const changes: Partial<OrganizationEntity> = {
      ...(dto.display_name !== undefined && { displayName: dto.display_name }),
      ...(dto.oauth_enabled !== undefined && { oauthEnabled: dto.oauth_enabled }),
      ...(dto.access_token_lifespan !== undefined && { accessTokenLifespan: dto.access_token_lifespan }),
      ...(dto.require_project_scoped_tokens !== undefined && { requireProjectScopedTokens: dto.require_project_scoped_tokens }),
      ...(dto.open_registration !== undefined && { openRegistration: dto.open_registration }),
      ...(dto.require_pushed_authorization_requests !== undefined && { requirePushedAuthorizationRequests: dto.require_pushed_authorization_requests }),
      updatedAt: this.clock.date(),
    };
    if (organization.builtIn && changes.oauthEnabled === false) throw new ForbiddenException('OAuth cannot be disabled for the built-in organization: the root client lives there');
    // Turning OAuth off refuses every token of the organization, like a not-before push.
    if (changes.oauthEnabled === false && organization.oauthEnabled) this.policy.checkActOnEveryone(auth, await this.everyoneIn(organization.id), 'turn OAuth off for this organization');
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.update(OrganizationEntity, { id: organization.id }, changes);
      await this.record(change, organization, 'organization.updated', { ...dto });
    });
    return this.toDto({ ...organization, ...changes });
  }

  /** Keycloak's realm-wide "push not-before": every token of every client of the organization issued until now is refused. */
  async pushNotBefore(auth: AuthContext, name: string): Promise<NotBeforeDto> {
    const organization = await this.resolve(auth, name);
    this.policy.checkActOnEveryone(auth, await this.everyoneIn(organization.id), "push this organization's not-before");
    const notBefore = this.clock.date();
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.update(OrganizationEntity, { id: organization.id }, { notBefore, updatedAt: notBefore });
      await this.record(change, organization, 'organization.not_before_pushed', { not_before: notBefore.toISOString() });
    });
    return NotBeforeDto.of(notBefore);
  }

  /** Deletes the organization with its clients and projects (foreign keys cascade). */
  async delete(auth: AuthContext, name: string): Promise<void> {
    const organization = await this.resolveRecord(auth, name);
    const everyone = await this.everyoneIn(organization.id);
    this.policy.checkDeleteOrganization(auth, organization, { ...everyone, scopes: everyone.scopes.filter((scope) => this.gatehouseScopes().has(scope)) });
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.delete(OrganizationEntity, { id: organization.id });
      // Visible to the root client only: the organization's own administrators are gone with it.
      await this.record(change, { id: organization.id, name: organization.name }, 'organization.deleted', { name: organization.name });
    });
  }

  /** The audit event, and the change-feed event that drops the organization (and, on deletion, its clients and projects) from every process's caches. */
  private async record(change: Change, organization: { id: string; name: string }, action: string, details: Record<string, unknown>): Promise<void> {
    await change.audit({ action, targetType: 'organization', targetId: organization.id, organizationId: action === 'organization.deleted' ? null : organization.id, details });
    change.announce({ kind: 'organization', subject: organization.id });
  }

  /**
   * What the organization's clients and members hold, all together: a change that refuses every
   * token of the organization acts on each of them.
   */
  private everyoneIn(organizationId: string): Promise<{ organizationId: string; scopes: string[]; includesRoot: boolean }> {
    return this.holders.everyoneIn(organizationId);
  }

  /**
   * Gatehouse's own scopes, looked up when an organization is deleted rather than injected: the
   * registry stands on the routes, which only a context with the controllers has (not the CLI's).
   */
  private gatehouseScopes(): ScopeRegistry {
    return this.moduleRef.get(ScopeRegistry, { strict: false });
  }

  private toDto(row: OrganizationEntity): OrganizationDto {
    return OrganizationDto.from(row, { issuer: `${this.config.issuer}/auth/realms/${row.name}` });
  }
}
