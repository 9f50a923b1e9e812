import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { ReadThroughCache } from '../common/cache/read-through-cache.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { MEMBER_ROLE } from '../scopes/permissions.js';
import { MembershipEntity } from '../users/entities/membership.entity.js';
import { UserEntity } from '../users/entities/user.entity.js';
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
  /** The user's role in each organization they belong to, by organization id. */
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
  private readonly cache: ReadThroughCache<UserRecord>;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(MembershipEntity) private readonly memberships: Repository<MembershipEntity>,
    config: GatehouseConfig,
    metrics: MetricsService,
    feed: ChangeFeed,
    private readonly clock: Clock,
  ) {
    this.cache = new ReadThroughCache(config.clientCacheTtlMs, 50_000, metrics.cacheLookupRecorder('users'), undefined, clock);
    feed.subscribe('user', (event) => this.cache.invalidate(event.subject));
    // Deleting an organization deletes its memberships.
    feed.subscribe('organization', () => this.cache.invalidate());
  }

  find(id: string): Promise<UserRecord | undefined> {
    return this.cache.get(id, async () => {
      const user = await this.users.findOneBy({ id });
      if (!user) return undefined;
      const memberships = await this.memberships.findBy({ userId: id });
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
}
