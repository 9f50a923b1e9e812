import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy.js';
import { type ApiScopeHolder, ApiScopeHolders } from '../apis/api-scope-holders.js';
import { type AuthContext } from '../access/auth-context.js';
import { actorOf } from '../audit/actor.js';
import { type Change, UnitOfWork } from '../audit/unit-of-work.js';
import { Clock } from '../common/clock.js';
import { insertIfAbsent } from '../database/insert-if-absent.js';
import { lockingRead } from '../database/row-locks.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { IDENTITY_SCOPE_NAMES } from '../scopes/identity.scopes.js';
import { isBuiltInRole, PERMISSIONS, PLATFORM_ADMINISTRATOR } from '../scopes/permissions.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { expandScopes, isScopePattern, matchesOf } from '../scopes/scope-pattern.js';
import { type CreateRoleDto, RoleDto, type UpdateRoleDto } from './dto/role.dto.js';
import { RoleEntity } from './entities/role.entity.js';
import { type ResolvedRole, RoleDirectory } from './role-directory.js';
import { RoleHolders } from './role-holders.js';

/** The built-in roles never change while the server runs: built once, not on every listing. */
const BUILT_IN_ROLES: readonly RoleDto[] = PERMISSIONS.map((permission) => Object.freeze(RoleDto.builtIn(permission)));
/** The built-in organization's: those, and the platform administrator's, which exists there only. */
const BUILT_IN_ORGANIZATION_ROLES: readonly RoleDto[] = [...BUILT_IN_ROLES, Object.freeze(RoleDto.builtIn(PLATFORM_ADMINISTRATOR))];

/**
 * The rules of the role API. Roles are each organization's own (another's answer 404, as if
 * missing); the built-in ones are listed with them but cannot be changed. Bounded by the access
 * policy: nobody defines a role holding a scope they do not hold, nor changes or deletes one that
 * holds (or would hold) more than they do.
 */
@Injectable()
export class RolesService implements ApiScopeHolder {
  constructor(
    private readonly directory: RoleDirectory,
    private readonly holders: RoleHolders,
    private readonly organizations: OrganizationsService,
    private readonly unitOfWork: UnitOfWork,
    private readonly policy: AccessPolicy,
    private readonly clock: Clock,
    apiScopeHolders: ApiScopeHolders,
  ) {
    apiScopeHolders.register(this);
  }

  /** The built-in roles, then the organization's own by name. */
  async list(auth: AuthContext, organization: string | undefined): Promise<RoleDto[]> {
    const organizationId = await this.organizationOf(auth, organization);
    return [...builtInRolesOf(organizationId), ...(await this.directory.ofOrganization(organizationId)).map((role) => RoleDto.from(role))];
  }

  async get(auth: AuthContext, name: string, organization: string | undefined): Promise<RoleDto> {
    const builtIn = builtInRolesOf(await this.organizationOf(auth, organization)).find((role) => role.name === name);
    if (builtIn) return builtIn;
    return RoleDto.from(await this.find(auth, name, organization));
  }

  async create(auth: AuthContext, dto: CreateRoleDto): Promise<RoleDto> {
    const organizationId = await this.organizationOf(auth, dto.organization);
    if (isBuiltInRole(dto.name)) throw new BadRequestException(`${dto.name} is a built-in role: choose another name`);
    const granted = await this.checkScopes(organizationId, dto.scopes);
    this.policy.checkDefineRole(auth, dto.name, granted);
    const now = this.clock.date();
    const role = { id: randomUUID(), organizationId, name: dto.name, description: dto.description ?? '', scopes: dto.scopes, createdAt: now, updatedAt: now };
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      // The unique (organization, name) index settles two requests for one name at once.
      if (!(await insertIfAbsent(change.manager, RoleEntity, { ...role }))) throw new ConflictException(`A role named ${dto.name} exists already`);
      await this.record(change, role, 'role.created', { name: role.name, description: role.description, scopes: role.scopes });
    });
    return RoleDto.from({ record: role, scopes: granted, userScopes: new Set() });
  }

  /** A new scope list must be one the caller holds entirely, and so must the role as it was. */
  async update(auth: AuthContext, name: string, organization: string | undefined, dto: UpdateRoleDto): Promise<RoleDto> {
    const role = await this.findChangeable(auth, name, organization);
    const { record } = role;
    const changes: Partial<RoleEntity> = { ...(dto.description !== undefined && { description: dto.description }), ...(dto.scopes !== undefined && { scopes: dto.scopes }), updatedAt: this.clock.date() };
    if (dto.scopes !== undefined) this.policy.checkDefineRole(auth, name, await this.checkScopes(record.organizationId, dto.scopes));
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.update(RoleEntity, { id: record.id }, changes);
      await this.record(change, record, 'role.updated', {
        name,
        ...(dto.description !== undefined && { description: dto.description }),
        ...(dto.scopes !== undefined && { previous_scopes: record.scopes, scopes: dto.scopes }),
      });
    });
    return RoleDto.from((await this.directory.find(record.organizationId, name))!);
  }

  /** Refused while a client or a user holds the role: they would silently lose what it grants. */
  async delete(auth: AuthContext, name: string, organization: string | undefined): Promise<void> {
    const { record } = await this.findChangeable(auth, name, organization);
    const holders = Object.entries(await this.holders.count(record.organizationId, name));
    if (holders.length > 0) {
      throw new ConflictException(`The role ${name} is held by ${holders.map(([kind, count]) => `${count} ${count === 1 ? kind.replace(/s$/, '') : kind}`).join(' and ')}: assign them another role first`);
    }
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.delete(RoleEntity, { id: record.id });
      await this.record(change, record, 'role.deleted', { name, scopes: record.scopes });
    });
  }

  /** Which of `scopes` (an API's, going away) a role of the organization grants, by name or by a pattern matching it. */
  async heldOf(change: Change, organizationId: string, scopes: readonly string[]): Promise<string[]> {
    const roles = await this.rolesOf(change, organizationId);
    return scopes.filter((scope) => roles.some((role) => role.scopes.includes(scope) || role.scopes.some((name) => isScopePattern(name) && matchesOf(name, [scope]).length > 0)));
  }

  /**
   * Takes `scopes` (an API's, going away) out of every role of the organization naming them, in
   * the caller's transaction, audited: no role lists a scope nobody defines. Patterns stay: they
   * grant whatever the organization knows, and match nothing once the API is gone.
   */
  async removeScopes(change: Change, organizationId: string, scopes: readonly string[]): Promise<void> {
    const removed = new Set(scopes);
    const now = this.clock.date();
    for (const role of await this.rolesOf(change, organizationId)) {
      if (!role.scopes.some((scope) => removed.has(scope))) continue;
      const kept = role.scopes.filter((scope) => !removed.has(scope));
      await change.manager.update(RoleEntity, { id: role.id }, { scopes: kept, updatedAt: now });
      await this.record(change, role, 'role.updated', { name: role.name, previous_scopes: role.scopes, scopes: kept, reason: 'api_scopes_removed' });
    }
  }

  /** The organization's roles, locked until the transaction ends. */
  private rolesOf(change: Change, organizationId: string): Promise<RoleEntity[]> {
    return lockingRead(change.manager.createQueryBuilder(RoleEntity, 'role'), 'pessimistic_write').where('role.organization_id = :organizationId', { organizationId }).getMany();
  }

  private async record(change: Change, role: { id: string; organizationId: string }, action: string, details: Record<string, unknown>): Promise<void> {
    await change.audit({ action, targetType: 'role', targetId: role.id, organizationId: role.organizationId, details });
    change.announce({ kind: 'role', subject: role.organizationId });
  }

  /** The caller's organization, or the one it names if it may see it (only the root client sees others). */
  private async organizationOf(auth: AuthContext, name: string | undefined): Promise<string> {
    return name === undefined ? auth.organizationId : (await this.organizations.resolve(auth, name)).id;
  }

  private async find(auth: AuthContext, name: string, organization: string | undefined): Promise<ResolvedRole> {
    const role = await this.directory.find(await this.organizationOf(auth, organization), name);
    if (!role) throw new NotFoundException(`No role named ${name}`);
    return role;
  }

  /** A role of the organization the caller holds every scope of; a built-in one is no one's to change. */
  private async findChangeable(auth: AuthContext, name: string, organization: string | undefined): Promise<ResolvedRole> {
    if ([...PERMISSIONS, PLATFORM_ADMINISTRATOR].some((permission) => permission.name === name)) throw new ForbiddenException(`${name} is built into Gatehouse: it cannot be changed or deleted`);
    const role = await this.find(auth, name, organization);
    this.policy.checkActOn(auth, { organizationId: role.record.organizationId, scopes: role.scopes }, `role ${name}`);
    return role;
  }

  /**
   * What a scope list grants in the organization, once every name is one it knows and every
   * pattern matches at least one: a misspelt name or pattern would grant nothing, silently.
   */
  private async checkScopes(organizationId: string, scopes: readonly string[]): Promise<string[]> {
    const identity = scopes.filter((scope) => IDENTITY_SCOPE_NAMES.has(scope));
    if (identity.length > 0) throw new BadRequestException(`Identity scopes are no privilege a role grants: every user holds them, and a client lists them in its own scopes: ${identity.join(', ')}`);
    const invalid = scopes.filter((scope) => scope.includes('*') && !isScopePattern(scope));
    if (invalid.length > 0) throw new BadRequestException(`A pattern is a prefix followed by one trailing *, like orders:*: ${invalid.join(', ')}`);
    const known = await this.directory.knownScopes(organizationId);
    const unknown = scopes.filter((scope) => !isScopePattern(scope) && !known.has(scope));
    if (unknown.length > 0) throw new BadRequestException(`Unknown scopes: ${unknown.join(', ')}`);
    const unmatched = scopes.filter((scope) => isScopePattern(scope) && matchesOf(scope, known).length === 0);
    if (unmatched.length > 0) throw new BadRequestException(`Patterns that match no scope of the organization: ${unmatched.join(', ')}`);
    return expandScopes(scopes, known);
  }
}

function builtInRolesOf(organizationId: string): readonly RoleDto[] {
  return organizationId === BUILT_IN_ORGANIZATION_ID ? BUILT_IN_ORGANIZATION_ROLES : BUILT_IN_ROLES;
}
