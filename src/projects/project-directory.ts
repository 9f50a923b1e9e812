import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { Clock } from '../common/clock.js';
import { ReadThroughDirectory } from '../common/cache/read-through-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { ProjectEntity } from './entities/project.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Projects by id, cached like clients (see ClientDirectory): the token endpoint asks for one on every project-scoped request. */
@Injectable()
export class ProjectDirectory {
  private readonly cache: ReadThroughDirectory<ProjectEntity>;

  constructor(
    @InjectRepository(ProjectEntity) private readonly repository: Repository<ProjectEntity>,
    config: GatehouseConfig,
    metrics: MetricsService,
    feed: ChangeFeed,
    clock: Clock,
  ) {
    this.cache = new ReadThroughDirectory({
      ttlMs: config.clientCacheTtlMs,
      maxEntries: 50_000,
      onLookup: metrics.cacheLookupRecorder('projects'),
      feed,
      clock,
      // Deleting an organization deletes its projects.
      invalidateOn: { project: 'subject', organization: 'all' },
    });
  }

  find(id: string): Promise<ProjectEntity | undefined> {
    if (!UUID.test(id)) return Promise.resolve(undefined);
    return this.cache.get(id, async () => (await this.repository.findOneBy({ id })) ?? undefined);
  }
}
