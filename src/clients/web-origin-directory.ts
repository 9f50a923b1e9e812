import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { ReadThroughDirectory } from '../common/cache/read-through-directory.js';
import { Clock } from '../common/clock.js';
import { type BrowserOrigins, canonicalOrigin } from '../common/http/cors.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { OrganizationDirectory } from '../organizations/organization-directory.js';
import { ClientDirectory } from './client-directory.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';

/** Each registered origin with the organizations whose enabled clients registered it. */
type OriginOwners = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * The clients' web origins (Keycloak's): the origins of their registered redirect URIs, which
 * browser apps may call the OAuth endpoints from (see BrowserCors). Every origin of every enabled
 * client, kept in memory as one entry and reloaded after a change to any client or organization,
 * made by this process or another (the change feed); one client's origins come from ClientDirectory.
 */
@Injectable()
export class WebOriginDirectory implements BrowserOrigins {
  private readonly cache: ReadThroughDirectory<OriginOwners>;

  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    private readonly clients: ClientDirectory,
    private readonly organizations: OrganizationDirectory,
    config: GatehouseConfig,
    metrics: MetricsService,
    feed: ChangeFeed,
    clock: Clock,
  ) {
    this.cache = new ReadThroughDirectory({
      ttlMs: config.clientCacheTtlMs,
      maxEntries: 1,
      onLookup: metrics.cacheLookupRecorder('web_origins'),
      feed,
      clock,
      invalidateOn: { client: 'all', organization: 'all' },
    });
  }

  async isRegistered(origin: string, realm: string | undefined): Promise<boolean> {
    const owners = (await this.all()).get(origin);
    if (!owners) return false;
    if (realm === undefined) return true;
    const organization = await this.organizations.findByName(realm);
    return organization !== undefined && owners.has(organization.id);
  }

  async belongsTo(origin: string, clientId: string): Promise<boolean> {
    const client = await this.clients.find(clientId);
    return client !== undefined && !client.disabled && client.redirectUris.some((uri) => canonicalOrigin(uri) === origin);
  }

  private async all(): Promise<OriginOwners> {
    return (await this.cache.get('all', async () => {
      const rows = await this.repository.find({ select: { organizationId: true, redirectUris: true }, where: { disabled: false } });
      const owners = new Map<string, Set<string>>();
      for (const row of rows) {
        for (const uri of row.redirectUris) {
          const origin = canonicalOrigin(uri);
          if (origin !== undefined) owners.set(origin, (owners.get(origin) ?? new Set()).add(row.organizationId));
        }
      }
      return owners;
    }))!;
  }
}
