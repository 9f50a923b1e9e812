import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { defaultGrantTypes } from '../token-policy/token-policy.js';
import { Clock } from '../common/clock.js';
import { CONSOLE_CLIENT_ID, CONSOLE_SCOPES, consoleUrls } from './console-client.js';
import { DEFAULT_ID_TOKEN_ALGORITHM } from '../config/environment.js';

/**
 * Makes the console's client match this server at every start: a public client of the built-in
 * organization whose only redirect URI is the console's callback on PUBLIC_URL (a changed
 * PUBLIC_URL moves it), holding the scopes a built-in role can give a user. Written, audited and
 * announced on the change feed like any other client change; left alone when already right.
 */
@Injectable()
export class ConsoleClientBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(ConsoleClientBootstrap.name);

  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const wanted = this.wanted();
    const current = await this.repository.findOneBy({ id: CONSOLE_CLIENT_ID });
    if (current && sameRegistration(current, wanted)) return;
    const now = this.clock.date();
    try {
      await this.unitOfWork.run(SYSTEM_ACTOR, async (change) => {
        if (current) await change.manager.update(OAuthClientEntity, { id: CONSOLE_CLIENT_ID }, { ...wanted, updatedAt: now });
        else await change.manager.insert(OAuthClientEntity, { ...wanted, id: CONSOLE_CLIENT_ID, createdAt: now, updatedAt: now });
        await change.audit({ action: current ? 'client.updated' : 'client.created', targetType: 'client', targetId: CONSOLE_CLIENT_ID, organizationId: BUILT_IN_ORGANIZATION_ID, details: { console: true, redirect_uris: wanted.redirectUris, scopes: wanted.scopes } });
        change.announce({ kind: 'client', subject: CONSOLE_CLIENT_ID });
      });
    } catch (error) {
      // Another process on the same database starting at the same moment may have written it first.
      const written = await this.repository.findOneBy({ id: CONSOLE_CLIENT_ID });
      if (!written || !sameRegistration(written, wanted)) throw error;
    }
    this.logger.log(`Console client ${CONSOLE_CLIENT_ID} registered for ${consoleUrls(this.config.issuer).home}`);
  }

  private wanted() {
    const { home, callback } = consoleUrls(this.config.issuer);
    return {
      organizationId: BUILT_IN_ORGANIZATION_ID,
      name: 'Gatehouse console',
      description: 'The admin console at /console: signs users in through Gatehouse and calls the REST API with their token',
      scopes: [...CONSOLE_SCOPES],
      permissions: [] as string[],
      redirectUris: [callback],
      postLogoutRedirectUris: [home],
      grantTypes: defaultGrantTypes(true),
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

export function sameRegistration(current: OAuthClientEntity, wanted: ReturnType<ConsoleClientBootstrap['wanted']>): boolean {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((value, index) => value === b[index]);
  return (
    current.organizationId === wanted.organizationId &&
    current.isPublic &&
    !current.isRoot &&
    current.accessTokenLifespan === wanted.accessTokenLifespan &&
    current.idTokenSignedResponseAlg === wanted.idTokenSignedResponseAlg &&
    current.defaultSubType === wanted.defaultSubType &&
    current.clientUri === wanted.clientUri &&
    current.logoUri === wanted.logoUri &&
    current.tosUri === wanted.tosUri &&
    current.policyUri === wanted.policyUri &&
    !current.disabled &&
    current.secretHash === '' &&
    same(current.scopes, wanted.scopes) &&
    same(current.permissions, wanted.permissions) &&
    same(current.redirectUris, wanted.redirectUris) &&
    same(current.postLogoutRedirectUris, wanted.postLogoutRedirectUris) &&
    same(current.grantTypes, wanted.grantTypes)
  );
}
