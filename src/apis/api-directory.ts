import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { Clock } from '../common/clock.js';
import { ReadThroughDirectory } from '../common/cache/read-through-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { type ApiScope, ApiEntity } from './entities/api.entity.js';

/** What token issuance, scope validation and the consent page need to know of an API. */
export interface ApiRecord {
  readonly id: string;
  readonly organizationId: string;
  /** Absolute URI: the `aud` of its tokens and the value of `resource`/`audience` naming it. */
  readonly identifier: string;
  readonly name: string;
  readonly scopes: readonly ApiScope[];
  readonly accessTokenLifespanSeconds: number | null;
  readonly signingAlgorithm: string | null;
  readonly requireProjectScopedTokens: boolean;
  /** The organization's default API (see resolveTarget). */
  readonly isDefault: boolean;
  /** Epoch ms: a token for its identifier issued before is a token for an API deleted since. */
  readonly createdAt: number;
}

export function apiRecordOf(row: ApiEntity): ApiRecord {
  return Object.freeze({
    id: row.id,
    organizationId: row.organizationId,
    identifier: row.identifier,
    name: row.name,
    scopes: Object.freeze(row.scopes.map((scope) => Object.freeze({ name: scope.name, description: scope.description }))),
    accessTokenLifespanSeconds: row.accessTokenLifespanSeconds,
    signingAlgorithm: row.signingAlgorithm,
    requireProjectScopedTokens: row.requireProjectScopedTokens,
    isDefault: row.isDefault,
    createdAt: row.createdAt.getTime(),
  });
}

/**
 * Each organization's APIs, all together, kept in memory: the token endpoint and scope validation
 * ask on every request that names an API or one of its scopes, and an organization has few APIs.
 * A change to any API of an organization (change kind `api`, subject the organization id) drops
 * that organization's entry on every process.
 */
@Injectable()
export class ApiDirectory {
  private readonly cache: ReadThroughDirectory<readonly ApiRecord[]>;
  private readonly scopeNames = new WeakMap<readonly ApiRecord[], ReadonlySet<string>>();

  constructor(
    @InjectRepository(ApiEntity) private readonly repository: Repository<ApiEntity>,
    config: GatehouseConfig,
    metrics: MetricsService,
    feed: ChangeFeed,
    clock: Clock,
  ) {
    this.cache = new ReadThroughDirectory({
      ttlMs: config.clientCacheTtlMs,
      maxEntries: 10_000,
      onLookup: metrics.cacheLookupRecorder('apis'),
      feed,
      clock,
      // Deleting an organization deletes its APIs.
      invalidateOn: { api: 'subject', organization: 'all' },
    });
  }

  /** The organization's APIs, oldest first (none for an organization that does not exist). */
  async ofOrganization(organizationId: string): Promise<readonly ApiRecord[]> {
    return (
      (await this.cache.get(organizationId, async () => {
        const rows = await this.repository.find({ where: { organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
        return Object.freeze(rows.map(apiRecordOf));
      })) ?? []
    );
  }

  /**
   * Every scope name of the organization's APIs. Built once per cached list (the list is replaced,
   * never changed, when an API changes), so an API administrator's requests do not rebuild it.
   */
  async scopeNamesOf(organizationId: string): Promise<ReadonlySet<string>> {
    const apis = await this.ofOrganization(organizationId);
    let names = this.scopeNames.get(apis);
    if (!names) {
      names = new Set(apis.flatMap((api) => api.scopes.map((scope) => scope.name)));
      this.scopeNames.set(apis, names);
    }
    return names;
  }

  /** The organization's API with exactly this identifier (no normalisation: identifiers compare byte for byte). */
  async byIdentifier(organizationId: string, identifier: string): Promise<ApiRecord | undefined> {
    return (await this.ofOrganization(organizationId)).find((api) => api.identifier === identifier);
  }

  invalidate(organizationId: string): void {
    this.cache.invalidate(organizationId);
  }
}
