import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { ReadThroughDirectory } from '../common/cache/read-through-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OrganizationEntity } from './entities/organization.entity.js';
import { Clock } from '../common/clock.js';

export interface OrganizationRecord {
  readonly id: string;
  readonly name: string;
  /** What people read (the consent and account pages); `name` is the realm's URL-safe identifier. */
  readonly displayName: string;
  readonly oauthEnabled: boolean;
  readonly accessTokenLifespan: number | null;
  readonly requireProjectScopedTokens: boolean;
  /** Anonymous registration of public clients (RFC 7591) is allowed. */
  readonly openRegistration: boolean;
  /** Its clients' authorization requests must come through PAR (RFC 9126). */
  readonly requirePushedAuthorizationRequests: boolean;
  readonly builtIn: boolean;
  /** Epoch ms of the organization's not-before push (0: none): its tokens issued before it are refused. */
  readonly notBefore: number;
  /** `{PUBLIC_URL}/auth/realms/{name}`. */
  readonly issuer: string;
}

/** Organizations by id and by realm name, cached like clients (see ClientDirectory). */
@Injectable()
export class OrganizationDirectory {
  private readonly byId: ReadThroughDirectory<OrganizationRecord>;
  private readonly byName: ReadThroughDirectory<OrganizationRecord>;

  constructor(
    @InjectRepository(OrganizationEntity) private readonly repository: Repository<OrganizationEntity>,
    private readonly config: GatehouseConfig,
    metrics: MetricsService,
    feed: ChangeFeed,
    private readonly clock: Clock,
  ) {
    const options = { ttlMs: config.clientCacheTtlMs, maxEntries: 10_000, onLookup: metrics.cacheLookupRecorder('organizations'), feed, clock, invalidateOn: { organization: 'all' } } as const;
    this.byId = new ReadThroughDirectory(options);
    this.byName = new ReadThroughDirectory(options);
  }

  findById(id: string): Promise<OrganizationRecord | undefined> {
    return this.byId.get(id, async () => this.toRecord(await this.repository.findOneBy({ id })));
  }

  findByName(name: string): Promise<OrganizationRecord | undefined> {
    return this.byName.get(name, async () => this.toRecord(await this.repository.findOneBy({ name })));
  }

  /** The issuers a token of this organization may carry: its realm, and for the built-in one also the server's own (the Fides paths). */
  issuers(organization: OrganizationRecord): string[] {
    return organization.builtIn ? [organization.issuer, this.config.issuer] : [organization.issuer];
  }

  invalidate(): void {
    this.byId.invalidateAll();
    this.byName.invalidateAll();
  }

  private toRecord(row: OrganizationEntity | null): OrganizationRecord | undefined {
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      displayName: row.displayName,
      oauthEnabled: row.oauthEnabled,
      accessTokenLifespan: row.accessTokenLifespan,
      requireProjectScopedTokens: row.requireProjectScopedTokens,
      openRegistration: row.openRegistration,
      requirePushedAuthorizationRequests: row.requirePushedAuthorizationRequests,
      builtIn: row.builtIn,
      notBefore: row.notBefore?.getTime() ?? 0,
      issuer: `${this.config.issuer}/auth/realms/${row.name}`,
    };
  }
}
