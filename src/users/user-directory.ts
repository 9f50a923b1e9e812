import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { ReadThroughDirectory } from '../common/cache/read-through-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { type HeldInOrganization, OrganizationHolders } from '../organizations/organization-holders.js';
import { MEMBER_ROLE } from '../scopes/permissions.js';
import { RoleDirectory } from '../roles/role-directory.js';
import { RoleHolders } from '../roles/role-holders.js';
import { MEMBERSHIP_ACTIVE, MembershipEntity } from './entities/membership.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { Clock } from '../common/clock.js';

/** What the bearer guard and the authorization endpoint need to know of a user. */
export interface UserRecord {
  readonly id: string;
  readonly email: string;
  readonly name: string | null;
  readonly emailVerified: boolean;
  readonly disabled: boolean;
  /** Epoch ms: tokens issued to this user before it are refused (creation, password change, disabling). */
  readonly notBefore: number;
  /** The user's role in each organization they belong to (invitations they have not accepted left out), by organization id (what it grants is RoleDirectory's to resolve, so a changed role needs no user reloaded). */
  readonly roles: ReadonlyMap<string, string>;
}

/**
 * The user's role in `organization`, or undefined if they may not act there. Anyone may use the
 * built-in organization's apps (as a plain member); another organization serves its members.
 */
export function roleIn(user: UserRecord, organization: { readonly id: string; readonly builtIn: boolean }): string | undefined {
  return user.roles.get(organization.id) ?? (organization.builtIn ? MEMBER_ROLE : undefined);
}

/** Users by id, cached and invalidated through the change feed like clients (see ClientDirectory). */
@Injectable()
export class UserDirectory {
  private readonly cache: ReadThroughDirectory<UserRecord>;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(MembershipEntity) private readonly memberships: Repository<MembershipEntity>,
    config: GatehouseConfig,
    metrics: MetricsService,
    feed: ChangeFeed,
    holders: OrganizationHolders,
    clock: Clock,
    private readonly roleDirectory: RoleDirectory,
    roleHolders: RoleHolders,
  ) {
    holders.register(this);
    roleHolders.register('users', this);
    this.cache = new ReadThroughDirectory({
      ttlMs: config.clientCacheTtlMs,
      maxEntries: 50_000,
      onLookup: metrics.cacheLookupRecorder('users'),
      feed,
      clock,
      // Deleting an organization deletes its memberships.
      invalidateOn: { user: 'subject', organization: 'all' },
    });
  }

  find(id: string): Promise<UserRecord | undefined> {
    return this.cache.get(id, async () => {
      const user = await this.users.findOneBy({ id });
      if (!user) return undefined;
      // An invitation not yet accepted gives nothing: no role, no sign-in, no tokens there.
      const memberships = await this.memberships.findBy({ userId: id, status: MEMBERSHIP_ACTIVE });
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        emailVerified: user.emailVerified,
        disabled: user.disabled,
        notBefore: Math.max(user.createdAt.getTime(), user.notBefore?.getTime() ?? 0),
        roles: new Map(memberships.map((membership) => [membership.organizationId, membership.role])),
      };
    });
  }

  /**
   * What the organization's members hold through their roles, all together (for OrganizationHolders).
   * Invitations count as well: they give the inviter no more than it holds, and once accepted they are held.
   */
  async heldIn(organizationId: string): Promise<HeldInOrganization> {
    const roles = await this.memberships.createQueryBuilder('membership').select('DISTINCT membership.role', 'role').where('membership.organization_id = :organizationId', { organizationId }).getRawMany<{ role: string }>();
    const held = await Promise.all(roles.map(({ role }) => this.roleDirectory.scopesOfRole(organizationId, role)));
    return { scopes: [...new Set(held.flat())], includesRoot: false };
  }

  /** How many of the organization's members (invited ones too: accepting must find the role) have the role `name` (for RoleHolders). */
  holdersOf(organizationId: string, name: string): Promise<number> {
    return this.memberships.countBy({ organizationId, role: name });
  }
}
