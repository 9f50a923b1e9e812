import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/actor.js';
import { type Change, UnitOfWork } from '../audit/unit-of-work.js';
import { Clock } from '../common/clock.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { defaultGrantTypes } from '../token-policy/token-policy.js';
import { ClientSecretHasher } from './client-secret-hasher.js';
import { newClientId, newClientSecret } from './client-credentials.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';

/**
 * The root client's rows: made at start from the configuration (RootClientBootstrap) or by the
 * operator's `gatehouse create-root-client`. There is at most one; each change is audited and
 * announced on the change feed, so every process stops accepting the old root credentials.
 */
@Injectable()
export class RootClientService {
  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    private readonly hasher: ClientSecretHasher,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  current(): Promise<OAuthClientEntity | null> {
    return this.repository.findOneBy({ isRoot: true });
  }

  /** Replaces the root client (if any) with `id` and `secret`; `by` says where they came from, in the audit trail. */
  async replace(id: string, secret: string, by: string): Promise<void> {
    const current = await this.current();
    await this.unitOfWork.run(SYSTEM_ACTOR, async (change) => {
      if (current) {
        await change.manager.delete(OAuthClientEntity, { id: current.id });
        await this.record(change, current.id, 'client.deleted', { root: true, replaced_by: id });
      }
      await change.manager.insert(OAuthClientEntity, this.rootRow(id, secret));
      await this.record(change, id, 'client.created', { root: true, by });
    });
  }

  /** A new root client with a generated id and secret, replacing the current one; the secret exists only in the answer. */
  async replaceWithGenerated(by: string): Promise<{ id: string; secret: string }> {
    const root = { id: newClientId('root-'), secret: newClientSecret() };
    await this.replace(root.id, root.secret, by);
    return root;
  }

  async changeSecret(id: string, secret: string, by: string): Promise<void> {
    await this.unitOfWork.run(SYSTEM_ACTOR, async (change) => {
      await change.manager.update(OAuthClientEntity, { id }, { secretHash: this.hasher.hash(secret), updatedAt: this.clock.date() });
      await this.record(change, id, 'client.secret_regenerated', { by });
    });
  }

  /** Server-wide: only the root client sees these events (organization null). */
  private async record(change: Change, id: string, action: string, details: Record<string, unknown>): Promise<void> {
    await change.audit({ action, targetType: 'client', targetId: id, organizationId: null, details });
    change.announce({ kind: 'client', subject: id });
  }

  private rootRow(id: string, secret: string): OAuthClientEntity {
    const now = this.clock.date();
    return this.repository.create({
      id,
      organizationId: BUILT_IN_ORGANIZATION_ID,
      permissions: [],
      name: 'root',
      description: 'Root client from configuration: holds every scope',
      secretHash: this.hasher.hash(secret),
      // Never stored: the root client's scopes are whatever scopes exist when it asks.
      scopes: [],
      accessTokenLifespan: null,
      redirectUris: [],
      postLogoutRedirectUris: [],
      grantTypes: defaultGrantTypes(false),
      isPublic: false,
      isRoot: true,
      disabled: false,
      createdAt: now,
      updatedAt: now,
    });
  }
}
