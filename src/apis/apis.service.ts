import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Not, type Repository } from 'typeorm';
import { AccessPolicy } from '../access/access-policy.js';
import { type AuthContext } from '../access/auth-context.js';
import { ScopeRegistry } from '../access/scope-registry.js';
import { actorOf } from '../audit/actor.js';
import { type Change, UnitOfWork } from '../audit/unit-of-work.js';
import { Clock } from '../common/clock.js';
import { type PageQueryDto, PageDto } from '../common/dto/page.dto.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { lockingRead } from '../database/row-locks.js';
import { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { ApiScopeHolders } from './api-scope-holders.js';
import { type ApiScopeDto, ApiDto, type CreateApiDto, type UpdateApiDto } from './dto/api.dto.js';
import { type ApiScope, ApiEntity } from './entities/api.entity.js';

/**
 * Names an API may not define: OpenID Connect's scopes (those Gatehouse serves, and the standard
 * ones it does not, which clients send expecting their meaning), besides Gatehouse's own.
 */
const RESERVED_SCOPE_NAMES: ReadonlySet<string> = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);
/** Polaris's project scopes (`project-{id}`) bind a token to a project; no API may define one. */
const PROJECT_SCOPE = /^project-/;

/** The rules of the APIs (resource servers) an organization registers. */
@Injectable()
export class ApisService {
  constructor(
    @InjectRepository(ApiEntity) private readonly repository: Repository<ApiEntity>,
    private readonly registry: ScopeRegistry,
    private readonly organizations: OrganizationsService,
    private readonly holders: ApiScopeHolders,
    private readonly unitOfWork: UnitOfWork,
    private readonly policy: AccessPolicy,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  async create(auth: AuthContext, dto: CreateApiDto): Promise<ApiDto> {
    const organizationId = dto.organization === undefined ? auth.organizationId : (await this.organizations.resolve(auth, dto.organization)).id;
    const scopes = this.checkScopes(dto.scopes);
    this.checkSigningAlgorithm(dto.signing_algorithm);
    this.checkIdentifier(dto.identifier);
    const now = this.clock.date();
    const api = this.repository.create({
      id: randomUUID(),
      organizationId,
      identifier: dto.identifier,
      name: dto.name,
      scopes,
      accessTokenLifespanSeconds: dto.access_token_lifespan ?? null,
      signingAlgorithm: dto.signing_algorithm ?? null,
      requireProjectScopedTokens: dto.require_project_scoped_tokens ?? false,
      isDefault: dto.default ?? false,
      createdAt: now,
      updatedAt: now,
    });
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await this.checkUnique(change.manager, api);
      if (api.isDefault) await this.clearDefault(change.manager, organizationId);
      // A copy: on MariaDB, insert() writes the raw column defaults back into its argument.
      await change.manager.insert(ApiEntity, { ...api });
      await this.record(change, api, 'api.created', { identifier: api.identifier, name: api.name, scopes: api.scopes.map((scope) => scope.name) });
    });
    return ApiDto.from(api);
  }

  /** Oldest first, the caller's organization only (every organization's for the root client). */
  async list(auth: AuthContext, query: PageQueryDto): Promise<PageDto<ApiDto>> {
    const [apis, total] = await this.repository.findAndCount({
      where: this.policy.listFilter(auth),
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (query.page - 1) * query.size,
      take: query.size,
    });
    return PageDto.of(apis.map(ApiDto.from), total, query);
  }

  async get(auth: AuthContext, id: string): Promise<ApiDto> {
    return ApiDto.from(await this.findVisible(auth, id));
  }

  /**
   * Fields left out keep their value. Scopes left out of a new `scopes` list are taken from every
   * client holding them, in the same transaction, so that no client keeps a scope nobody defines.
   */
  async update(auth: AuthContext, id: string, dto: UpdateApiDto): Promise<ApiDto> {
    const found = await this.findVisible(auth, id);
    const scopes = dto.scopes === undefined ? undefined : this.checkScopes(dto.scopes);
    if (dto.signing_algorithm !== undefined) this.checkSigningAlgorithm(dto.signing_algorithm);
    if (dto.identifier !== undefined) this.checkIdentifier(dto.identifier);
    const changes: Partial<ApiEntity> = {
      ...(dto.identifier !== undefined && { identifier: dto.identifier }),
      ...(dto.name !== undefined && { name: dto.name }),
      ...(scopes !== undefined && { scopes }),
      ...(dto.access_token_lifespan !== undefined && { accessTokenLifespanSeconds: dto.access_token_lifespan }),
      ...(dto.signing_algorithm !== undefined && { signingAlgorithm: dto.signing_algorithm }),
      ...(dto.require_project_scoped_tokens !== undefined && { requireProjectScopedTokens: dto.require_project_scoped_tokens }),
      ...(dto.default !== undefined && { isDefault: dto.default }),
      updatedAt: this.clock.date(),
    };
    return ApiDto.from(
      await this.unitOfWork.run(actorOf(auth), async (change) => {
        // Read again under the organization's lock: a concurrent change to its APIs waits.
        await this.lockOrganization(change.manager, found.organizationId);
        const api = await change.manager.findOneBy(ApiEntity, { id: found.id });
        if (!api) throw new NotFoundException(`No API with id ${id}`);
        const updated = { ...api, ...changes };
        await this.checkUnique(change.manager, updated);
        const kept = new Set(updated.scopes.map((scope) => scope.name));
        const removed = api.scopes.map((scope) => scope.name).filter((name) => !kept.has(name));
        await this.takeScopes(auth, change, api.organizationId, removed);
        if (changes.isDefault === true) await this.clearDefault(change.manager, api.organizationId);
        await change.manager.update(ApiEntity, { id: api.id }, changes);
        await this.record(change, api, 'api.updated', { ...dto, ...(dto.scopes !== undefined && { scopes: updated.scopes.map((scope) => scope.name) }), ...(removed.length > 0 && { removed_scopes: removed }) });
        return updated;
      }),
    );
  }

  /** Its scopes are taken from every client holding them, in the same transaction. */
  async delete(auth: AuthContext, id: string): Promise<void> {
    const found = await this.findVisible(auth, id);
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await this.lockOrganization(change.manager, found.organizationId);
      const api = await change.manager.findOneBy(ApiEntity, { id: found.id });
      // Deleted meanwhile: as if it had been gone before.
      if (!api) return;
      await this.takeScopes(auth, change, api.organizationId, api.scopes.map((scope) => scope.name));
      await change.manager.delete(ApiEntity, { id: api.id });
      await this.record(change, api, 'api.deleted', { identifier: api.identifier, scopes: api.scopes.map((scope) => scope.name) });
    });
  }

  /** One default API per organization: the new one replaces the old, under the organization's lock. */
  private async clearDefault(manager: EntityManager, organizationId: string): Promise<void> {
    await manager.update(ApiEntity, { organizationId, isDefault: true }, { isDefault: false });
  }

  /** Taking scopes others hold needs the caller to hold them (AccessPolicy rule 3); scopes nobody holds go freely. */
  private async takeScopes(auth: AuthContext, change: Change, organizationId: string, scopes: readonly string[]): Promise<void> {
    if (scopes.length === 0) return;
    this.policy.checkRemoveHeldScopes(auth, await this.holders.heldOf(change, organizationId, scopes));
    await this.holders.removeScopes(change, organizationId, scopes);
  }

  private async record(change: Change, api: ApiEntity, action: string, details: Record<string, unknown>): Promise<void> {
    await change.audit({ action, targetType: 'api', targetId: api.id, organizationId: api.organizationId, details });
    change.announce({ kind: 'api', subject: api.organizationId });
  }

  /** APIs of other organizations answer 404 exactly like ids that do not exist. */
  private async findVisible(auth: AuthContext, id: string): Promise<ApiEntity> {
    return this.policy.checkSees(auth, (await this.repository.findOneBy({ id })) ?? undefined, `No API with id ${id}`);
  }

  /** Scope names an API may define, checked among themselves; uniqueness across the organization's APIs is checkUnique's. */
  /**
   * Gatehouse's own audience (or its address, the audience by default) would make the API's
   * tokens tokens for Gatehouse's API too, and Gatehouse's tokens tokens for the API.
   */
  private checkIdentifier(identifier: string): void {
    if (identifier === this.config.audience || identifier === this.config.issuer) {
      throw new BadRequestException("identifier names Gatehouse itself (its token audience or its address): an API's tokens must be for that API alone");
    }
  }

  private checkScopes(scopes: readonly ApiScopeDto[]): ApiScope[] {
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const { name } of scopes) (seen.has(name) ? duplicates : seen).add(name);
    if (duplicates.size > 0) throw new BadRequestException(`An API cannot define a scope twice: ${[...duplicates].join(', ')}`);
    const builtIn = scopes.filter(({ name }) => this.registry.has(name) || RESERVED_SCOPE_NAMES.has(name));
    if (builtIn.length > 0) throw new BadRequestException(`These scopes are Gatehouse's own or OpenID Connect's, and cannot be defined by an API: ${builtIn.map(({ name }) => name).join(', ')}`);
    // A `*` reads as a wildcard, to roles' patterns here and to resource servers' libraries.
    const wildcards = scopes.filter(({ name }) => name.includes('*'));
    if (wildcards.length > 0) throw new BadRequestException(`Scope names cannot contain *, which reads as a wildcard: ${wildcards.map(({ name }) => name).join(', ')}`);
    const project = scopes.filter(({ name }) => PROJECT_SCOPE.test(name));
    if (project.length > 0) throw new BadRequestException(`Scopes named project-* bind a token to a project and cannot be defined by an API: ${project.map(({ name }) => name).join(', ')}`);
    return scopes.map(({ name, description }) => ({ name, description }));
  }

  /** Gatehouse signs with one algorithm at a time: an API may only name that one (or none). */
  private checkSigningAlgorithm(algorithm: string | null | undefined): void {
    if (algorithm === undefined || algorithm === null || algorithm === this.config.signingAlgorithm) return;
    throw new BadRequestException(`signing_algorithm must be ${this.config.signingAlgorithm} (the algorithm this server signs with, OAUTH_SIGNING_ALG) or null`);
  }

  /**
   * Under the organization's lock, so that two concurrent changes cannot both pass: the
   * identifier is unique in the organization (409), and so is every scope name across its APIs
   * (409 naming the API that defines it), so a scope resolves to one API at most.
   */
  private async checkUnique(manager: EntityManager, api: ApiEntity): Promise<void> {
    await this.lockOrganization(manager, api.organizationId);
    const others = await manager.find(ApiEntity, { where: { organizationId: api.organizationId, id: Not(api.id) } });
    const sameIdentifier = others.find((other) => other.identifier === api.identifier);
    if (sameIdentifier) throw new ConflictException(`The organization has an API with identifier ${api.identifier} already (${sameIdentifier.id})`);
    const owners = new Map(others.flatMap((other) => other.scopes.map((scope) => [scope.name, other] as const)));
    const clashes = api.scopes.flatMap(({ name }) => {
      const owner = owners.get(name);
      return owner ? [`${name} (defined by ${owner.identifier})`] : [];
    });
    if (clashes.length > 0) throw new ConflictException(`Scopes are defined by another API of the organization already: ${clashes.join(', ')}`);
  }

  private async lockOrganization(manager: EntityManager, organizationId: string): Promise<void> {
    await lockingRead(manager.createQueryBuilder(OrganizationEntity, 'organization'), 'pessimistic_write').select('organization.id').where('organization.id = :organizationId', { organizationId }).getOne();
  }
}
