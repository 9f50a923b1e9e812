import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { Clock } from '../common/clock.js';
import { DEFAULT_ID_TOKEN_ALGORITHM } from '../config/environment.js';
import { type GrantType } from '../token-policy/token-policy.js';
import { sameRegistration } from './console-client.bootstrap.js';
import { DOCS_CLIENT_ID, DOCS_SCOPES, docsRedirectUri } from './docs-client.js';

/**
 * Makes the /docs client match this server at every start, as ConsoleClientBootstrap does for
 * the console's: a public client (PKCE, no secret) whose only redirect URI is Swagger UI's
 * oauth2-redirect.html on PUBLIC_URL. Written, audited and announced like any client change.
 */
@Injectable()
export class DocsClientBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(DocsClientBootstrap.name);

  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const wanted = this.wanted();
    const current = await this.repository.findOneBy({ id: DOCS_CLIENT_ID });
    if (current && sameRegistration(current, wanted)) return;
    const now = this.clock.date();
    try {
      await this.unitOfWork.run(SYSTEM_ACTOR, async (change) => {
        if (current) await change.manager.update(OAuthClientEntity, { id: DOCS_CLIENT_ID }, { ...wanted, updatedAt: now });
        else await change.manager.insert(OAuthClientEntity, { ...wanted, id: DOCS_CLIENT_ID, createdAt: now, updatedAt: now });
        await change.audit({ action: current ? 'client.updated' : 'client.created', targetType: 'client', targetId: DOCS_CLIENT_ID, organizationId: BUILT_IN_ORGANIZATION_ID, details: { docs: true, redirect_uris: wanted.redirectUris, scopes: wanted.scopes } });
        change.announce({ kind: 'client', subject: DOCS_CLIENT_ID });
      });
    } catch (error) {
      // Another process on the same database starting at the same moment may have written it first.
      const written = await this.repository.findOneBy({ id: DOCS_CLIENT_ID });
      if (!written || !sameRegistration(written, wanted)) throw error;
    }
    this.logger.debug(`API documentation client ${DOCS_CLIENT_ID} registered for ${docsRedirectUri(this.config.issuer)}`);
  }

  private wanted() {
    return {
      organizationId: BUILT_IN_ORGANIZATION_ID,
      name: 'Gatehouse API documentation',
      description: 'Swagger UI at /docs: signs users in (authorization code with PKCE) so that their routes can be tried',
      scopes: [...DOCS_SCOPES],
      permissions: [] as string[],
      redirectUris: [docsRedirectUri(this.config.issuer)],
      postLogoutRedirectUris: [] as string[],
      // No refresh token: a /docs session lasts as long as its access token.
      grantTypes: ['authorization_code'] as GrantType[],
      isPublic: true,
      // A public client: its empty hash matches no secret (see ClientSecretHasher.verify).
      secretHash: '',
      disabled: false,
      logoUri: null,
      tosUri: null,
      policyUri: null,
      // Every setting, so that a row that held this id before (any organization could choose it) keeps none of its own.
      isRoot: false,
      accessTokenLifespan: null,
      idTokenSignedResponseAlg: DEFAULT_ID_TOKEN_ALGORITHM,
      defaultSubType: null,
      clientUri: null,
    };
  }
}
