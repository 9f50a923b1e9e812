import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { ScopeCatalog } from '../apis/scope-catalog.js';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { Clock } from '../common/clock.js';
import { ReadThroughDirectory } from '../common/cache/read-through-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { IDENTITY_SCOPE_NAMES } from '../scopes/identity.scopes.js';
import { EVERY_USER_SCOPES, isPermission, isPlatformAdministratorRole, MEMBER_ROLE, PERMISSIONS, PLATFORM_ADMINISTRATOR, scopesOfPermissions as scopesOfBuiltInPermissions, userScopesOfRole as userScopesOfBuiltInRole } from '../scopes/permissions.js';
import { expandScopes } from '../scopes/scope-pattern.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { RoleEntity } from './entities/role.entity.js';

/** A role an organization defines, as stored: its scopes as written, patterns included. */
export interface RoleRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly description: string;
  readonly scopes: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A role of an organization with what it grants now (patterns expanded against the scopes the organization knows). */
export interface ResolvedRole {
  readonly record: RoleRecord;
  /** The scopes it grants, patterns expanded: what a client holds by it, and what granting it takes. */
  readonly scopes: readonly string[];
  /** What a user with this role may grant: its scopes and those every user holds. The same set while the role is unchanged. */
  readonly userScopes: ReadonlySet<string>;
}

/** One organization's roles, resolved together. */
interface OrganizationRoles {
  readonly byName: ReadonlyMap<string, ResolvedRole>;
  /** Every scope the organization knows (Gatehouse's and its APIs'): what names and patterns are resolved against. */
  readonly known: ReadonlySet<string>;
}

/** A named bundle of scopes, built-in or an organization's own, as the access policy weighs it. */
export interface ScopeBundle {
  readonly name: string;
  readonly scopes: readonly string[];
}

/**
 * The roles each organization defines, by organization id, kept in memory with their patterns
 * expanded, so that resolving a client's permissions or a user's role costs no query on the hot
 * paths. A change to an organization's roles or to its APIs (made by this process or another)
 * drops its entry through the change feed (kinds `role` and `api`, subject the organization's id):
 * a scope added to an API is granted by the patterns that match it from then on. Also the one resolver of
 * every role and permission name, built-in or not: only the organization's own names need the
 * cache, the built-in ones are answered at once.
 */
@Injectable()
export class RoleDirectory {
  private readonly cache: ReadThroughDirectory<OrganizationRoles>;

  constructor(
    @InjectRepository(RoleEntity) private readonly repository: Repository<RoleEntity>,
    private readonly moduleRef: ModuleRef,
    config: GatehouseConfig,
    metrics: MetricsService,
    feed: ChangeFeed,
    clock: Clock,
  ) {
    this.cache = new ReadThroughDirectory({
      ttlMs: config.clientCacheTtlMs,
      maxEntries: 10_000,
      onLookup: metrics.cacheLookupRecorder('roles'),
      feed,
      clock,
      // Deleting an organization deletes its roles; a change to its APIs changes what their patterns match.
      invalidateOn: { role: 'subject', organization: 'subject', api: 'subject' },
    });
  }

  /** The organization's own roles, by name. */
  async ofOrganization(organizationId: string): Promise<ResolvedRole[]> {
    return [...(await this.load(organizationId)).byName.values()];
  }

  /** One of the organization's own roles (a built-in name is none). */
  async find(organizationId: string, name: string): Promise<ResolvedRole | undefined> {
    return (await this.load(organizationId)).byName.get(name);
  }

  /** Every scope the organization knows, which a role's names and patterns are checked and resolved against. */
  async knownScopes(organizationId: string): Promise<ReadonlySet<string>> {
    return (await this.load(organizationId)).known;
  }

  /** Of `names`, those that are neither a built-in permission nor a role of the organization (what a client cannot be given). */
  async unknownPermissions(organizationId: string, names: readonly string[]): Promise<string[]> {
    const custom = names.filter((name) => !isPermission(name));
    if (custom.length === 0) return [];
    const { byName } = await this.load(organizationId);
    return custom.filter((name) => !byName.has(name));
  }

  /** Whether a user can hold `role` in the organization: `member`, a built-in permission, one of its roles, or in the built-in organization the platform administrator's. */
  async isRole(organizationId: string, role: string): Promise<boolean> {
    if (isPlatformAdministratorRole(role)) return organizationId === BUILT_IN_ORGANIZATION_ID;
    return role === MEMBER_ROLE || (await this.unknownPermissions(organizationId, [role])).length === 0;
  }

  /** The permissions a client of the organization can be given: the built-in ones, then its own roles. */
  async permissionNames(organizationId: string): Promise<string[]> {
    return [...PERMISSIONS.map((permission) => permission.name), ...(await this.load(organizationId)).byName.keys()];
  }

  /** Each permission with the scopes it grants in the organization (an unknown name grants none). */
  async bundles(organizationId: string, names: readonly string[]): Promise<ScopeBundle[]> {
    const roles = names.some((name) => !isPermission(name)) ? (await this.load(organizationId)).byName : undefined;
    return names.map((name) => ({ name, scopes: isPermission(name) ? scopesOfBuiltInPermissions([name]) : (roles?.get(name)?.scopes ?? []) }));
  }

  /** The scopes a set of permissions grants a client of the organization. */
  async scopesOfPermissions(organizationId: string, names: readonly string[]): Promise<string[]> {
    return [...new Set((await this.bundles(organizationId, names)).flatMap((bundle) => bundle.scopes))];
  }

  /** The API scopes `role` gives in the organization (none for a plain member): what someone must hold to grant it or act on its holder. */
  async scopesOfRole(organizationId: string, role: string): Promise<string[]> {
    if (isPlatformAdministratorRole(role)) return organizationId === BUILT_IN_ORGANIZATION_ID ? [...PLATFORM_ADMINISTRATOR.scopes] : [];
    return role === MEMBER_ROLE ? [] : this.scopesOfPermissions(organizationId, [role]);
  }

  /** What a user with `role` in the organization may grant a client or a personal access token; a built-in role costs no lookup. */
  async userScopesOfRole(organizationId: string, role: string): Promise<ReadonlySet<string>> {
    // The platform administrator's role gives nothing outside the built-in organization (isRole keeps it from being given there).
    if (isPlatformAdministratorRole(role)) return organizationId === BUILT_IN_ORGANIZATION_ID ? userScopesOfBuiltInRole(role) : EVERY_USER;
    if (role === MEMBER_ROLE || isPermission(role)) return userScopesOfBuiltInRole(role);
    return (await this.load(organizationId)).byName.get(role)?.userScopes ?? EVERY_USER;
  }

  private async load(organizationId: string): Promise<OrganizationRoles> {
    const loaded = await this.cache.get(organizationId, async () => {
      const rows = await this.repository.find({ where: { organizationId }, order: { name: 'ASC' } });
      const known = await this.knownIn(organizationId);
      const byName = new Map(
        rows.map((row) => {
          const scopes = expandScopes(row.scopes, known);
          const record: RoleRecord = { id: row.id, organizationId: row.organizationId, name: row.name, description: row.description, scopes: row.scopes, createdAt: row.createdAt, updatedAt: row.updatedAt };
          return [row.name, { record, scopes, userScopes: new Set([...EVERY_USER_SCOPES, ...scopes]) }] as const;
        }),
      );
      return { byName, known };
    });
    return loaded!;
  }

  /**
   * The scopes a role of the organization may grant: Gatehouse's and its APIs', but the identity
   * scopes, which every user holds and which are nobody's privilege.
   */
  private async knownIn(organizationId: string): Promise<ReadonlySet<string>> {
    return new Set((await this.catalog().all(organizationId)).map((scope) => scope.name).filter((name) => !IDENTITY_SCOPE_NAMES.has(name)));
  }

  /**
   * The catalog, looked up when an organization's own roles are first read rather than injected:
   * it stands on the registry of the routes' scopes, which only a context with the routes has,
   * while the built-in roles (all that the cached directories need to boot) are resolved without it.
   */
  private catalog(): ScopeCatalog {
    return this.moduleRef.get(ScopeCatalog, { strict: false });
  }
}

const EVERY_USER: ReadonlySet<string> = new Set(EVERY_USER_SCOPES);
