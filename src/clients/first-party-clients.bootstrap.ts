import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { Clock } from '../common/clock.js';
import { DEFAULT_ID_TOKEN_ALGORITHM } from '../config/environment.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { FIRST_PARTY_CLIENTS, type FirstPartyClient } from './first-party-clients.js';

/**
 * Makes each first-party client (the console's, /docs') match this server at every start: a
 * public client of the built-in organization whose only redirect URI is its page on PUBLIC_URL (a
 * changed PUBLIC_URL moves it). Written, audited and announced on the change feed like any other
 * client change; left alone when already right.
 */
@Injectable()
export class FirstPartyClientsBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstPartyClientsBootstrap.name);

  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const client of FIRST_PARTY_CLIENTS) await this.register(client);
  }

  private async register(client: FirstPartyClient): Promise<void> {
    const wanted = this.wanted(client);
    const current = await this.repository.findOneBy({ id: client.id });
    if (current && sameRegistration(current, wanted)) return;
    const now = this.clock.date();
    try {
      await this.unitOfWork.run(SYSTEM_ACTOR, async (change) => {
        if (current) await change.manager.update(OAuthClientEntity, { id: client.id }, { ...wanted, updatedAt: now });
        else await change.manager.insert(OAuthClientEntity, { ...wanted, id: client.id, createdAt: now, updatedAt: now });
        await change.audit({ action: current ? 'client.updated' : 'client.created', targetType: 'client', targetId: client.id, organizationId: BUILT_IN_ORGANIZATION_ID, details: { first_party: true, redirect_uris: wanted.redirectUris, scopes: wanted.scopes } });
        change.announce({ kind: 'client', subject: client.id });
      });
    } catch (error) {
      // Another process on the same database starting at the same moment may have written it first.
      const written = await this.repository.findOneBy({ id: client.id });
      if (!written || !sameRegistration(written, wanted)) throw error;
    }
    this.logger.log(`${client.name} client ${client.id} registered for ${wanted.redirectUris[0]}`);
  }

  private wanted(client: FirstPartyClient) {
    return {
      organizationId: BUILT_IN_ORGANIZATION_ID,
      name: client.name,
      description: client.description,
      scopes: [...client.scopes],
      permissions: [] as string[],
      redirectUris: [client.redirectUri(this.config.issuer)],
      postLogoutRedirectUris: client.postLogoutRedirectUris(this.config.issuer),
      grantTypes: [...client.grantTypes],
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
      requirePushedAuthorizationRequests: false,
      clientUri: null,
      tokenEndpointAuthMethod: 'none',
      jwks: null,
      jwksUri: null,
      tokenEndpointAuthSigningAlg: null,
      secretCiphertext: null,
      tokenExchange: null,
    };
  }
}

function sameRegistration(current: OAuthClientEntity, wanted: ReturnType<FirstPartyClientsBootstrap['wanted']>): boolean {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((value, index) => value === b[index]);
  return (
    current.organizationId === wanted.organizationId &&
    current.isPublic &&
    !current.isRoot &&
    current.accessTokenLifespan === wanted.accessTokenLifespan &&
    current.idTokenSignedResponseAlg === wanted.idTokenSignedResponseAlg &&
    current.defaultSubType === wanted.defaultSubType &&
    current.requirePushedAuthorizationRequests === wanted.requirePushedAuthorizationRequests &&
    current.tokenExchange === wanted.tokenExchange &&
    current.clientUri === wanted.clientUri &&
    current.logoUri === wanted.logoUri &&
    current.tosUri === wanted.tosUri &&
    current.policyUri === wanted.policyUri &&
    !current.disabled &&
    current.secretHash === '' &&
    current.tokenEndpointAuthMethod === wanted.tokenEndpointAuthMethod &&
    current.jwks === null &&
    current.jwksUri === null &&
    current.tokenEndpointAuthSigningAlg === null &&
    current.secretCiphertext === null &&
    same(current.scopes, wanted.scopes) &&
    same(current.permissions, wanted.permissions) &&
    same(current.redirectUris, wanted.redirectUris) &&
    same(current.postLogoutRedirectUris, wanted.postLogoutRedirectUris) &&
    same(current.grantTypes, wanted.grantTypes)
  );
}
