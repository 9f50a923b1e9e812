import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { ClientDirectory } from '../auth/client-directory.js';
import { ClientSecretHasher } from '../auth/client-secret-hasher.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { Clock } from '../common/clock.js';

/**
 * Makes the database's root client match the configuration at every start: the one from
 * OAUTH_ROOT_CLIENT_ID / OAUTH_ROOT_CLIENT_SECRET, or, when they are unset outside production, one
 * generated on first start whose secret is printed once and then exists only as a hash.
 */
@Injectable()
export class RootClientBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(RootClientBootstrap.name);

  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    private readonly hasher: ClientSecretHasher,
    private readonly directory: ClientDirectory,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const current = await this.repository.findOneBy({ isRoot: true });
    const configured = this.config.rootClient;
    if (!configured) {
      if (!current) this.announce(await this.createRoot(`root-${randomBytes(8).toString('hex')}`, randomBytes(32).toString('base64url')));
      return;
    }
    if (current?.id === configured.id) {
      if (!this.hasher.verify(configured.secret, current.secretHash)) {
        await this.repository.update({ id: current.id }, { secretHash: this.hasher.hash(configured.secret), updatedAt: this.clock.date() });
        this.directory.invalidate(current.id);
        this.logger.log('Root client secret changed to the configured one');
      }
      return;
    }
    const clash = await this.repository.findOneBy({ id: configured.id });
    if (clash) throw new Error(`OAUTH_ROOT_CLIENT_ID names an existing ordinary client (${configured.id}); choose another id`);
    await this.repository.manager.transaction(async (manager) => {
      if (current) await manager.delete(OAuthClientEntity, { id: current.id });
      await manager.insert(OAuthClientEntity, this.rootRow(configured.id, configured.secret));
    });
    if (current) this.directory.invalidate(current.id);
    this.logger.log(`Root client is ${configured.id} (from OAUTH_ROOT_CLIENT_ID)`);
  }

  private async createRoot(id: string, secret: string): Promise<{ id: string; secret: string }> {
    await this.repository.insert(this.rootRow(id, secret));
    return { id, secret };
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
        '',
        '',
      ].join('\n'),
    );
  }
}
