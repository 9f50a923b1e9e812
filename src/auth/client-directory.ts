import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { OAuthClientEntity } from '../clients/entities/oauth-client.entity.js';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { ReadThroughCache } from '../common/cache/read-through-cache.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { scopesOfPermissions } from '../scopes/permissions.js';
import { Clock } from '../common/clock.js';

/** What authentication needs to know of a client, as read from the database. */
export interface ClientRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly secretHash: string;
  /** Its own scopes plus those of its permissions (not meaningful for the root client, which holds all). */
  readonly scopes: readonly string[];
  readonly permissions: readonly string[];
  readonly isRoot: boolean;
  /** No secret: authenticates by client_id alone, for the user grants, with PKCE. */
  readonly isPublic: boolean;
  readonly redirectUris: readonly string[];
  readonly disabled: boolean;
  readonly accessTokenLifespan: number | null;
  /** Epoch ms: tokens issued before it are refused (its creation, or a later not-before push). */
  readonly notBefore: number;
  /** Epoch ms of the last not-before push (0: none); the token response's `not-before-policy`. */
  readonly notBeforePolicy: number;
}

/** Every scope a client holds: its own, plus those of its permissions. */
export function heldScopesOf(client: { readonly scopes: readonly string[]; readonly permissions: readonly string[] }): string[] {
  return [...new Set([...client.scopes, ...scopesOfPermissions(client.permissions)])];
}

/**
 * Clients by id, kept in memory so that neither the token endpoint nor the bearer guard waits on
 * the database for a client seen in the last CLIENT_CACHE_TTL_SECONDS. A change to a client,
 * made by this process or another, drops its entry through the change feed.
 */
@Injectable()
export class ClientDirectory {
  private readonly cache: ReadThroughCache<ClientRecord>;

  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    config: GatehouseConfig,
    metrics: MetricsService,
    feed: ChangeFeed,
    private readonly clock: Clock,
  ) {
    this.cache = new ReadThroughCache(config.clientCacheTtlMs, 50_000, metrics.cacheLookupRecorder('clients'), undefined, clock);
    feed.subscribe('client', (event) => this.invalidate(event.subject));
    // Deleting an organization deletes its clients.
    feed.subscribe('organization', () => this.invalidateAll());
  }

  find(id: string): Promise<ClientRecord | undefined> {
    return this.cache.get(id, async () => {
      const row = await this.repository.findOneBy({ id });
      if (!row) return undefined;
      return {
        id: row.id,
        organizationId: row.organizationId,
        secretHash: row.secretHash,
        scopes: heldScopesOf(row),
        permissions: row.permissions,
        isRoot: row.isRoot,
        isPublic: row.isPublic,
        redirectUris: row.redirectUris,
        disabled: row.disabled,
        accessTokenLifespan: row.accessTokenLifespan,
        // A client id deleted and created again must not bring the old client's tokens back.
        notBefore: Math.max(row.createdAt.getTime(), row.notBefore?.getTime() ?? 0),
        notBeforePolicy: row.notBefore?.getTime() ?? 0,
      };
    });
  }

  invalidate(id: string): void {
    this.cache.invalidate(id);
  }

  invalidateAll(): void {
    this.cache.invalidate();
  }
}
