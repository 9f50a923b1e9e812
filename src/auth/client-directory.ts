import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { OAuthClientEntity } from '../clients/entities/oauth-client.entity.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';

/** What authentication needs to know of a client, as read from the database. */
export interface ClientRecord {
  readonly id: string;
  readonly secretHash: string;
  readonly scopes: readonly string[];
  readonly isRoot: boolean;
  readonly disabled: boolean;
  readonly accessTokenLifespan: number | null;
}

/** Enough for every active client of a large installation; beyond it the oldest entries go. */
const MAX_ENTRIES = 50_000;

/**
 * Clients by id, kept in memory so that neither the token endpoint nor the bearer guard waits on
 * the database for a client it has seen in the last CLIENT_CACHE_TTL_SECONDS. The clients service
 * invalidates an entry as soon as it changes the client. Unknown ids are remembered too, so a
 * flood of bogus ids costs one query each per TTL, and concurrent misses share one query.
 */
@Injectable()
export class ClientDirectory {
  private readonly entries = new Map<string, { record: ClientRecord | undefined; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<ClientRecord | undefined>>();
  /** Bumped by every invalidation, so a read that started before a change is not cached after it. */
  private generation = 0;

  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    private readonly config: GatehouseConfig,
  ) {}

  async find(id: string): Promise<ClientRecord | undefined> {
    const cached = this.entries.get(id);
    if (cached && cached.expiresAt > Date.now()) return cached.record;
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.load(id).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  invalidate(id: string): void {
    this.generation += 1;
    this.entries.delete(id);
    this.loading.delete(id);
  }

  private async load(id: string): Promise<ClientRecord | undefined> {
    const generation = this.generation;
    const row = await this.repository.findOneBy({ id });
    const record: ClientRecord | undefined = row
      ? { id: row.id, secretHash: row.secretHash, scopes: row.scopes, isRoot: row.isRoot, disabled: row.disabled, accessTokenLifespan: row.accessTokenLifespan }
      : undefined;
    if (this.config.clientCacheTtlMs > 0 && generation === this.generation) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, { record, expiresAt: Date.now() + this.config.clientCacheTtlMs });
    }
    return record;
  }
}
