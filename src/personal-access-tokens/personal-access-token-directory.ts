import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { ReadThroughDirectory } from '../common/cache/read-through-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { PersonalAccessTokenEntity } from './entities/personal-access-token.entity.js';
import { personalAccessTokenHash } from './personal-access-token-format.js';
import { Clock } from '../common/clock.js';

export interface PersonalAccessTokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  readonly revoked: boolean;
  readonly createdAt: number;
}

/**
 * Personal access tokens by hash, cached like clients; a revocation anywhere drops the entry on
 * every process through the change feed (at once here, within CHANGE_FEED_POLL_MS elsewhere).
 */
@Injectable()
export class PersonalAccessTokenDirectory {
  private readonly cache: ReadThroughDirectory<PersonalAccessTokenRecord>;

  constructor(
    @InjectRepository(PersonalAccessTokenEntity) private readonly repository: Repository<PersonalAccessTokenEntity>,
    config: GatehouseConfig,
    metrics: MetricsService,
    feed: ChangeFeed,
    private readonly clock: Clock,
  ) {
    this.cache = new ReadThroughDirectory({
      ttlMs: config.clientCacheTtlMs,
      maxEntries: 50_000,
      onLookup: metrics.cacheLookupRecorder('personal_access_tokens'),
      feed,
      clock,
      invalidateOn: { 'personal-access-token': 'subject' },
    });
    // User and organization changes need no flush here: the verifier reads the user and the
    // organization from their own directories on every request, so a deleted or disabled one
    // refuses the token even while its cached row lives on.
  }

  find(token: string): Promise<PersonalAccessTokenRecord | undefined> {
    const hash = personalAccessTokenHash(token);
    return this.cache.get(hash, async () => {
      const row = await this.repository.findOneBy({ tokenHash: hash });
      if (!row) return undefined;
      return {
        id: row.id,
        userId: row.userId,
        organizationId: row.organizationId,
        scopes: row.scopes,
        expiresAt: row.expiresAt.getTime(),
        revoked: row.revokedAt !== null,
        createdAt: row.createdAt.getTime(),
      };
    });
  }
}
