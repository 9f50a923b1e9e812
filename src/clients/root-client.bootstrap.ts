import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/actor.js';
import { type Change, UnitOfWork } from '../audit/unit-of-work.js';
import { ClientSecretHasher } from './client-secret-hasher.js';
import { newClientId, newClientSecret } from './client-credentials.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { defaultGrantTypes } from '../token-policy/token-policy.js';
import { Clock } from '../common/clock.js';
import { consoleUrls } from './console-client.js';

/**
 * Makes the database's root client match the configuration at every start: the one from
 * OAUTH_ROOT_CLIENT_ID / OAUTH_ROOT_CLIENT_SECRET, or, when they are unset outside production, one
 * generated on first start whose secret is printed once and then exists only as a hash. Each
 * change is audited and announced on the change feed, so that every other process on the
 * database stops accepting the old root credentials at its next poll.
 */
@Injectable()
export class RootClientBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(RootClientBootstrap.name);

  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    private readonly hasher: ClientSecretHasher,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const current = await this.repository.findOneBy({ isRoot: true });
    const configured = this.config.rootClient;
    if (!configured) {
      if (!current) this.announce(await this.createRoot(newClientId('root-'), newClientSecret()));
      return;
    }
    if (current?.id === configured.id) {
      if (!this.hasher.verify(configured.secret, current.secretHash)) {
        await this.unitOfWork.run(SYSTEM_ACTOR, async (change) => {
          await change.manager.update(OAuthClientEntity, { id: current.id }, { secretHash: this.hasher.hash(configured.secret), updatedAt: this.clock.date() });
          await this.record(change, current.id, 'client.secret_regenerated', { by: 'OAUTH_ROOT_CLIENT_SECRET' });
        });
        this.logger.log('Root client secret changed to the configured one');
      }
      return;
    }
    const clash = await this.repository.findOneBy({ id: configured.id });
    if (clash) throw new Error(`OAUTH_ROOT_CLIENT_ID names an existing ordinary client (${configured.id}); choose another id`);
    await this.unitOfWork.run(SYSTEM_ACTOR, async (change) => {
      if (current) {
        await change.manager.delete(OAuthClientEntity, { id: current.id });
        await this.record(change, current.id, 'client.deleted', { root: true, replaced_by: configured.id });
      }
      await this.insertRoot(change, configured.id, configured.secret, 'OAUTH_ROOT_CLIENT_ID');
    });
    this.logger.log(`Root client is ${configured.id} (from OAUTH_ROOT_CLIENT_ID)`);
  }

  private async createRoot(id: string, secret: string): Promise<{ id: string; secret: string }> {
    await this.unitOfWork.run(SYSTEM_ACTOR, (change) => this.insertRoot(change, id, secret, 'generated'));
    return { id, secret };
  }

  private async insertRoot(change: Change, id: string, secret: string, by: string): Promise<void> {
    await change.manager.insert(OAuthClientEntity, this.rootRow(id, secret));
    await this.record(change, id, 'client.created', { root: true, by });
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

  /** Written to stdout, not the logger: this one message carries a secret, once, on purpose. */
  private announce(root: { id: string; secret: string }): void {
    const tokenUrl = `${this.config.issuer}/api/v1/oauth/token`;
    process.stdout.write(
      [
        '',
        'Gatehouse generated a root client. It holds every scope; this is the only time its secret is shown.',
        `  OAUTH_ROOT_CLIENT_ID=${root.id}`,
        `  OAUTH_ROOT_CLIENT_SECRET=${root.secret}`,
        'Get a token with:',
        `  curl -s -X POST ${tokenUrl} -d grant_type=client_credentials -d client_id=${root.id} -d client_secret=${root.secret}`,
        'Set OAUTH_ROOT_CLIENT_ID and OAUTH_ROOT_CLIENT_SECRET to choose your own (required with NODE_ENV=production).',
        `Admin console (sign in as ADMIN_EMAIL): ${consoleUrls(this.config.issuer).home}`,
        '',
        '',
      ].join('\n'),
    );
  }
}
