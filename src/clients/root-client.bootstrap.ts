import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { ClientSecretHasher } from './client-secret-hasher.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { consoleUrls } from './console-client.js';
import { RootClientService } from './root-client.service.js';

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
    private readonly rootClients: RootClientService,
    private readonly config: GatehouseConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const current = await this.rootClients.current();
    const configured = this.config.rootClient;
    if (!configured) {
      if (!current) this.announce(await this.rootClients.replaceWithGenerated('generated'));
      return;
    }
    if (current?.id === configured.id) {
      if (!this.hasher.verify(configured.secret, current.secretHash)) {
        await this.rootClients.changeSecret(current.id, configured.secret, 'OAUTH_ROOT_CLIENT_SECRET');
        this.logger.log('Root client secret changed to the configured one');
      }
      return;
    }
    const clash = await this.repository.findOneBy({ id: configured.id });
    if (clash) throw new Error(`OAUTH_ROOT_CLIENT_ID names an existing ordinary client (${configured.id}); choose another id`);
    await this.rootClients.replace(configured.id, configured.secret, 'OAUTH_ROOT_CLIENT_ID');
    this.logger.log(`Root client is ${configured.id} (from OAUTH_ROOT_CLIENT_ID)`);
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
        // The secret once above, not again in a command line that shell history and ps would keep.
        'Export the two lines above, then get a token with:',
        `  curl -s -u "$OAUTH_ROOT_CLIENT_ID:$OAUTH_ROOT_CLIENT_SECRET" -d grant_type=client_credentials ${tokenUrl}`,
        'Set OAUTH_ROOT_CLIENT_ID and OAUTH_ROOT_CLIENT_SECRET to choose your own (required with NODE_ENV=production).',
        `Admin console (sign in as ADMIN_EMAIL): ${consoleUrls(this.config.issuer).home}`,
        '',
        '',
      ].join('\n'),
    );
  }
}
