import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy.js';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, type FindOptionsWhere, type Repository } from 'typeorm';
import { actorOf } from '../audit/actor.js';
import { UnitOfWork, type Change } from '../audit/unit-of-work.js';
import { type AuthContext } from '../access/auth-context.js';
import { ClientDirectory } from './client-directory.js';
import { RoleDirectory } from '../roles/role-directory.js';
import { ClientLockout, type LockoutStatus } from '../lockout/client-lockout.js';
import { ClientSecretHasher } from './client-secret-hasher.js';
import { newClientId } from './client-credentials.js';
import { firstPartyClient } from './first-party-clients.js';
import { PageDto } from '../common/dto/page.dto.js';
import { type ClientListQueryDto } from './dto/client-list-query.dto.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { ScopeCatalog } from '../apis/scope-catalog.js';
import { type ApiScopeHolder, ApiScopeHolders } from '../apis/api-scope-holders.js';
import { lockingRead } from '../database/row-locks.js';
import { defaultGrantTypes, TOKEN_EXCHANGE_GRANT } from '../token-policy/token-policy.js';
import { type TokenExchangePolicy } from '../token-policy/token-exchange-policy.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { ClientCredentialsDto, ClientDto } from './dto/client.dto.js';
import { NotBeforeDto } from '../common/dto/not-before.dto.js';
import { type CreateClientDto, type TokenExchangePolicyDto } from './dto/create-client.dto.js';
import { type UpdateClientDto } from './dto/update-client.dto.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { Clock } from '../common/clock.js';
import { DEFAULT_ID_TOKEN_ALGORITHM } from '../config/environment.js';
import { importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { assertionAlgorithms, defaultAuthMethod, jwksUriProblem, type TokenEndpointAuthMethod } from './client-auth-methods.js';
import { ClientSecretCipher } from './client-secret-cipher.js';

/** What a client's authentication method needs besides its secret, as stored. */
interface AuthMethodSettings {
  readonly jwks: string | null;
  readonly jwksUri: string | null;
  readonly tokenEndpointAuthSigningAlg: string | null;
}

/** The rules of the client API. */
@Injectable()
export class ClientsService implements ApiScopeHolder {
  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    private readonly hasher: ClientSecretHasher,
    private readonly directory: ClientDirectory,
    private readonly catalog: ScopeCatalog,
    private readonly organizations: OrganizationsService,
    private readonly lockout: ClientLockout,
    private readonly unitOfWork: UnitOfWork,
    private readonly policy: AccessPolicy,
    private readonly clock: Clock,
    private readonly roles: RoleDirectory,
    private readonly cipher: ClientSecretCipher,
    private readonly config: GatehouseConfig,
    apiScopeHolders: ApiScopeHolders,
  ) {
    apiScopeHolders.register(this);
  }

  /**
   * `alongside`, when given, runs in the same transaction once the client is written (dynamic
   * registration stores its registration and consumes its initial access token there): both or neither.
   */
  async create(auth: AuthContext, dto: CreateClientDto, alongside?: (change: Change, client: OAuthClientEntity) => Promise<void>): Promise<ClientCredentialsDto> {
    const organizationId = dto.organization === undefined ? auth.organizationId : (await this.organizations.resolve(auth, dto.organization)).id;
    await this.checkAssignable(auth, organizationId, dto.scopes);
    await this.checkPermissions(auth, organizationId, dto.permissions ?? []);
    const isPublic = dto.public ?? dto.token_endpoint_auth_method === 'none';
    const method = dto.token_endpoint_auth_method ?? defaultAuthMethod(isPublic);
    if (isPublic !== (method === 'none')) throw new BadRequestException('A public client is one with token_endpoint_auth_method none, and only it');
    const authSettings = await this.authMethodSettings(method, dto.jwks ?? null, dto.jwks_uri ?? null, dto.token_endpoint_auth_signing_alg ?? null);
    const tokenExchange = await this.checkTokenExchange(auth, organizationId, isPublic, dto.token_exchange ?? null);
    const grantTypes = dto.grant_types ?? defaultGrantTypes(isPublic, tokenExchange !== null);
    // A command-line tool on the device grant alone has no redirect URI.
    if (isPublic && grantTypes.includes('authorization_code') && (dto.redirect_uris ?? []).length === 0) throw new BadRequestException('A public client using the authorization code flow needs at least one redirect URI');
    if (isPublic && (dto.permissions ?? []).length > 0) throw new BadRequestException('A public client cannot hold permissions: it has no secret to act on its own');
    checkGrantTypes(isPublic, grantTypes);
    const id = dto.client_id ?? newClientId();
    if (await this.repository.existsBy({ id })) throw new ConflictException(`A client with id ${id} exists already`);
    // A public client's empty hash matches no secret (see ClientSecretHasher.verify); a private_key_jwt client has keys instead.
    const { secret, hash } = isPublic || method === 'private_key_jwt' ? { secret: undefined, hash: '' } : this.hasher.generate();
    const now = this.clock.date();
    const client = this.repository.create({
      id,
      organizationId,
      permissions: dto.permissions ?? [],
      name: dto.name ?? null,
      description: dto.description ?? null,
      secretHash: hash,
      scopes: dto.scopes,
      accessTokenLifespan: dto.access_token_lifespan ?? null,
      redirectUris: dto.redirect_uris ?? [],
      postLogoutRedirectUris: dto.post_logout_redirect_uris ?? [],
      idTokenSignedResponseAlg: dto.id_token_signed_response_alg ?? DEFAULT_ID_TOKEN_ALGORITHM,
      dpopBoundAccessTokens: dto.dpop_bound_access_tokens ?? false,
      grantTypes,
      logoUri: dto.logo_uri ?? null,
      clientUri: dto.client_uri ?? null,
      defaultSubType: dto.default_sub_type ?? null,
      requirePushedAuthorizationRequests: dto.require_pushed_authorization_requests ?? false,
      tokenExchange,
      tosUri: dto.tos_uri ?? null,
      policyUri: dto.policy_uri ?? null,
      isPublic,
      tokenEndpointAuthMethod: method,
      ...authSettings,
      secretCiphertext: method === 'client_secret_jwt' ? this.cipher.encrypt(id, secret!) : null,
      isRoot: false,
      disabled: false,
      createdAt: now,
      updatedAt: now,
    });
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      // A copy: on MariaDB, insert() writes the raw column defaults back into its argument.
      await change.manager.insert(OAuthClientEntity, { ...client });
      await this.record(change, client, 'client.created', { name: client.name, scopes: client.scopes, permissions: client.permissions, public: isPublic, redirect_uris: client.redirectUris, post_logout_redirect_uris: client.postLogoutRedirectUris, id_token_signed_response_alg: client.idTokenSignedResponseAlg, dpop_bound_access_tokens: client.dpopBoundAccessTokens, grant_types: grantTypes, token_endpoint_auth_method: method, jwks_uri: client.jwksUri, jwks: client.jwks !== null, token_exchange: tokenExchange });
      await alongside?.(change, client);
    });
    return { client_id: client.id, ...(secret !== undefined && { client_secret: secret }) };
  }

  /**
   * The caller's organization only (all for root), newest first unless `sort` says otherwise,
   * narrowed by `search` (id, name or description, case-insensitive); the root client is
   * configuration, not data, and is left out (as Fides does).
   */
  async list(auth: AuthContext, query: ClientListQueryDto): Promise<PageDto<ClientDto>> {
    const where: FindOptionsWhere<OAuthClientEntity> = { isRoot: false, ...this.policy.listFilter(auth) };
    const builder = this.repository.createQueryBuilder('client').where(where);
    const search = query.search?.trim().toLowerCase();
    if (search) {
      // LOWER on both sides: MariaDB's binary id column would otherwise match case-sensitively, SQLite's LIKE only ASCII-insensitively.
      const pattern = `%${search.replace(/[!%_]/g, '!$&')}%`;
      builder.andWhere(new Brackets((any) => any.where("LOWER(client.id) LIKE :pattern ESCAPE '!'", { pattern }).orWhere("LOWER(client.name) LIKE :pattern ESCAPE '!'").orWhere("LOWER(client.description) LIKE :pattern ESCAPE '!'")));
    }
    const direction = (query.order ?? (query.sort === 'created_at' ? 'desc' : 'asc')).toUpperCase() as 'ASC' | 'DESC';
    // Names sort as people read them, whatever the engine's collation (SQLite's is case-sensitive).
    const column = { created_at: 'client.createdAt', name: 'LOWER(client.name)', client_id: 'client.id' }[query.sort];
    builder.orderBy(column, direction);
    if (query.sort !== 'client_id') builder.addOrderBy('client.id', 'ASC');
    const [clients, total] = await builder.offset((query.page - 1) * query.size).limit(query.size).getManyAndCount();
    return PageDto.of(clients.map(ClientDto.from), total, query);
  }

  async get(auth: AuthContext, id: string): Promise<ClientDto> {
    return ClientDto.from(await this.findVisible(auth, id));
  }

  async getScopes(auth: AuthContext, id: string): Promise<string[]> {
    return (await this.findVisible(auth, id)).scopes;
  }

  async getPermissions(auth: AuthContext, id: string): Promise<string[]> {
    return (await this.findVisible(auth, id)).permissions;
  }

  /** Brute-force state on this instance (counters are per instance; see ClientLockout). */
  async getLockout(auth: AuthContext, id: string): Promise<LockoutStatus> {
    const client = await this.findVisible(auth, id);
    return this.lockout.status(client.id);
  }

  async clearLockout(auth: AuthContext, id: string): Promise<void> {
    const client = await this.findChangeable(auth, id);
    this.lockout.clear(client.id);
    await this.unitOfWork.record(actorOf(auth), { action: 'client.lockout_cleared', targetType: 'client', targetId: client.id, organizationId: client.organizationId });
  }

  async setPermissions(auth: AuthContext, id: string, permissions: string[]): Promise<string[]> {
    const client = await this.findChangeable(auth, id);
    if (client.isPublic && permissions.length > 0) throw new BadRequestException('A public client cannot hold permissions');
    await this.checkPermissions(auth, client.organizationId, permissions);
    return (await this.save(auth, client, { permissions }, 'client.permissions_changed', { previous: client.permissions, permissions })).permissions;
  }

  /** `alongside`: as for create (RFC 7592 rotates the registration access token with the update). */
  async update(auth: AuthContext, id: string, dto: UpdateClientDto, alongside?: (change: Change) => Promise<void>): Promise<ClientDto> {
    const client = await this.findChangeable(auth, id);
    if (client.isPublic && dto.redirect_uris?.length === 0) throw new BadRequestException('A public client needs at least one redirect URI');
    if (client.isPublic && (dto.permissions ?? []).length > 0) throw new BadRequestException('A public client cannot hold permissions');
    if (dto.grant_types !== undefined) checkGrantTypes(client.isPublic, dto.grant_types);
    if (dto.scopes !== undefined) await this.checkAssignable(auth, client.organizationId, dto.scopes);
    if (dto.permissions !== undefined) await this.checkPermissions(auth, client.organizationId, dto.permissions);
    const authSettings = await this.updatedAuthSettings(client, dto);
    const tokenExchange = dto.token_exchange === undefined ? undefined : await this.checkTokenExchange(auth, client.organizationId, client.isPublic, dto.token_exchange);
    const changes: Partial<OAuthClientEntity> = {
      ...authSettings,
      ...(dto.name !== undefined && { name: dto.name }),
      ...(dto.description !== undefined && { description: dto.description }),
      ...(dto.scopes !== undefined && { scopes: dto.scopes }),
      ...(dto.permissions !== undefined && { permissions: dto.permissions }),
      ...(dto.access_token_lifespan !== undefined && { accessTokenLifespan: dto.access_token_lifespan }),
      ...(dto.redirect_uris !== undefined && { redirectUris: dto.redirect_uris }),
      ...(dto.post_logout_redirect_uris !== undefined && { postLogoutRedirectUris: dto.post_logout_redirect_uris }),
      ...(dto.id_token_signed_response_alg !== undefined && { idTokenSignedResponseAlg: dto.id_token_signed_response_alg }),
      ...(dto.dpop_bound_access_tokens !== undefined && { dpopBoundAccessTokens: dto.dpop_bound_access_tokens }),
      ...(dto.grant_types !== undefined && { grantTypes: dto.grant_types }),
      ...(dto.logo_uri !== undefined && { logoUri: dto.logo_uri }),
      ...(dto.client_uri !== undefined && { clientUri: dto.client_uri }),
      ...(dto.default_sub_type !== undefined && { defaultSubType: dto.default_sub_type }),
      ...(dto.require_pushed_authorization_requests !== undefined && { requirePushedAuthorizationRequests: dto.require_pushed_authorization_requests }),
      ...(tokenExchange !== undefined && { tokenExchange }),
      ...(dto.tos_uri !== undefined && { tosUri: dto.tos_uri }),
      ...(dto.policy_uri !== undefined && { policyUri: dto.policy_uri }),
      ...(dto.disabled !== undefined && { disabled: dto.disabled }),
      // Disabling refuses the client's tokens; re-enabling must not bring them back.
      ...(dto.disabled === true && !client.disabled && { notBefore: this.clock.date() }),
    };
    const action = dto.disabled === true && !client.disabled ? 'client.disabled' : dto.disabled === false && client.disabled ? 'client.enabled' : 'client.updated';
    return ClientDto.from(await this.save(auth, client, changes, action, { ...dto }, alongside));
  }

  async setScopes(auth: AuthContext, id: string, scopes: string[]): Promise<string[]> {
    const client = await this.findChangeable(auth, id);
    await this.checkAssignable(auth, client.organizationId, scopes);
    return (await this.save(auth, client, { scopes }, 'client.scopes_changed', { previous: client.scopes, scopes })).scopes;
  }

  /**
   * The old secret stops working at once, on every server process. With `revokeTokens` (the
   * default) so do the tokens issued with it: a regenerated secret is usually a leaked one.
   */
  async regenerateSecret(auth: AuthContext, id: string, revokeTokens: boolean): Promise<ClientCredentialsDto> {
    const client = await this.findChangeable(auth, id);
    if (client.isPublic) throw new ConflictException(`Client ${id} is public: it has no secret to regenerate`);
    if (client.tokenEndpointAuthMethod === 'private_key_jwt') throw new ConflictException(`Client ${id} authenticates with private_key_jwt: it has keys (jwks or jwks_uri), not a secret`);
    const { secret, hash } = this.hasher.generate();
    const secretCiphertext = client.tokenEndpointAuthMethod === 'client_secret_jwt' ? this.cipher.encrypt(client.id, secret) : null;
    await this.save(auth, client, { secretHash: hash, secretCiphertext, ...(revokeTokens && { notBefore: this.clock.date() }) }, 'client.secret_regenerated', { revoke_tokens: revokeTokens });
    return { client_id: client.id, client_secret: secret };
  }

  /** Keycloak's "push not-before": every token the client holds now is refused, on every server process. */
  async pushNotBefore(auth: AuthContext, id: string): Promise<NotBeforeDto> {
    const client = await this.findChangeable(auth, id);
    const notBefore = this.clock.date();
    await this.save(auth, client, { notBefore }, 'client.not_before_pushed', { not_before: notBefore.toISOString() });
    return NotBeforeDto.of(notBefore);
  }

  async delete(auth: AuthContext, id: string): Promise<void> {
    const client = await this.findChangeable(auth, id);
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.delete(OAuthClientEntity, { id: client.id });
      await this.record(change, client, 'client.deleted', {});
    });
  }

  /** Writes `changes`, their audit event and the change-feed event that drops the client from every process's cache, in one transaction. */
  private async save(auth: AuthContext, client: OAuthClientEntity, changes: Partial<OAuthClientEntity>, action: string, details: Record<string, unknown>, alongside?: (change: Change) => Promise<void>): Promise<OAuthClientEntity> {
    const updated = { ...client, ...changes, updatedAt: this.clock.date() };
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.update(OAuthClientEntity, { id: client.id }, { ...changes, updatedAt: updated.updatedAt });
      await this.record(change, client, action, details);
      await alongside?.(change);
    });
    return updated;
  }

  private async record(change: Change, client: OAuthClientEntity, action: string, details: Record<string, unknown>): Promise<void> {
    await change.audit({ action, targetType: 'client', targetId: client.id, organizationId: client.organizationId, details });
    change.announce({ kind: 'client', subject: client.id });
  }

  /** Clients of other organizations answer 404 exactly like ids that do not exist; the root client too, as in Fides. */
  private async findVisible(auth: AuthContext, id: string): Promise<OAuthClientEntity> {
    const client = this.policy.checkSees(auth, (await this.repository.findOneBy({ id })) ?? undefined, `No client with id ${id}`);
    if (client.isRoot) throw new NotFoundException(`No client with id ${id}`);
    return client;
  }

  /** A client the caller may change: visible, not the root client, and holding nothing the caller does not hold. */
  /**
   * The client `id`, if the caller may change it: they see it, it is not the root client, and they
   * hold every scope it holds (also what issuing a token for it through the API needs).
   */
  async findChangeable(auth: AuthContext, id: string): Promise<OAuthClientEntity> {
    const client = this.policy.checkSees(auth, (await this.repository.findOneBy({ id })) ?? undefined, `No client with id ${id}`);
    if (client.isRoot) {
      // Hidden from everyone else, as GET hides it; only the root client itself is told why.
      if (!auth.isRoot) throw new NotFoundException(`No client with id ${id}`);
      throw new ForbiddenException('The root client is defined by OAUTH_ROOT_CLIENT_ID and OAUTH_ROOT_CLIENT_SECRET; it cannot be changed, disabled or deleted through the API');
    }
    // The server writes it at every start (FirstPartyClientsBootstrap); it skips the consent screen, so nobody may repoint or reuse it.
    const firstParty = firstPartyClient(client.id);
    if (firstParty) throw new ForbiddenException(`The ${firstParty.name} client is managed by the server (its redirect URI follows PUBLIC_URL); it cannot be changed, disabled or deleted through the API`);
    this.policy.checkActOn(auth, { organizationId: client.organizationId, scopes: await this.directory.heldScopesOf(client) }, `client ${id}`);
    return client;
  }

  /**
   * Permissions must be built-in ones or roles of the client's organization (another's are
   * unknown here); whether the caller may hand them out, by every scope they grant there, is the
   * access policy's call.
   */
  private async checkPermissions(auth: AuthContext, organizationId: string, permissions: readonly string[]): Promise<void> {
    const unknown = await this.roles.unknownPermissions(organizationId, permissions);
    if (unknown.length > 0) {
      throw new BadRequestException(`Unknown permissions: ${unknown.map((name) => JSON.stringify(name)).join(', ')}; known: ${(await this.roles.permissionNames(organizationId)).join(', ')}`);
    }
    this.policy.checkGrantPermissions(auth, await this.roles.bundles(organizationId, permissions));
  }

  /**
   * What `method` needs, checked: private_key_jwt its public keys (inline, each one a key jose
   * imports, or an https jwks_uri), client_secret_jwt the key that encrypts its secret's copy;
   * keys belong to private_key_jwt only, and a signing algorithm must be one the method allows.
   */
  private async authMethodSettings(method: TokenEndpointAuthMethod, jwks: JSONWebKeySet | null, jwksUri: string | null, signingAlg: string | null): Promise<AuthMethodSettings> {
    if (method !== 'private_key_jwt' && (jwks !== null || jwksUri !== null)) throw new BadRequestException('jwks and jwks_uri are for clients with token_endpoint_auth_method private_key_jwt');
    if (method === 'private_key_jwt') {
      if ((jwks === null) === (jwksUri === null)) throw new BadRequestException('A private_key_jwt client needs its public keys: jwks or jwks_uri, one of the two');
      if (jwksUri !== null) {
        const problem = jwksUriProblem(jwksUri, this.config.clientAssertions.jwksUriAllowPrivateAddresses);
        if (problem) throw new BadRequestException(problem);
      }
      for (const [index, key] of (jwks?.keys ?? []).entries()) {
        try {
          await importJWK(key, typeof key.alg === 'string' ? key.alg : importAlgorithm(key));
        } catch (error) {
          throw new BadRequestException(`jwks.keys[${index}] is not a usable public key: ${(error as Error).message}`);
        }
      }
    }
    if (method === 'client_secret_jwt' && !this.cipher.configured) throw new BadRequestException('client_secret_jwt needs CLIENT_SECRET_ENCRYPTION_KEY set on the server, to keep the secret that checks its assertions');
    if (signingAlg !== null && assertionAlgorithms(method, signingAlg).length === 0) throw new BadRequestException(`token_endpoint_auth_signing_alg ${signingAlg} does not fit token_endpoint_auth_method ${method}`);
    return { jwks: jwks === null ? null : JSON.stringify(jwks), jwksUri, tokenEndpointAuthSigningAlg: signingAlg };
  }

  /** An update's keys: one of jwks and jwks_uri replaces both (a rotation); the method stays what it was registered with. */
  private async updatedAuthSettings(client: OAuthClientEntity, dto: UpdateClientDto): Promise<Partial<AuthMethodSettings>> {
    if (dto.jwks === undefined && dto.jwks_uri === undefined && dto.token_endpoint_auth_signing_alg === undefined) return {};
    const replacesKeys = dto.jwks !== undefined || dto.jwks_uri !== undefined;
    const jwks = replacesKeys ? (dto.jwks ?? null) : client.jwks === null ? null : (JSON.parse(client.jwks) as JSONWebKeySet);
    const jwksUri = replacesKeys ? (dto.jwks_uri ?? null) : client.jwksUri;
    return this.authMethodSettings(client.tokenEndpointAuthMethod as TokenEndpointAuthMethod, jwks, jwksUri, dto.token_endpoint_auth_signing_alg ?? client.tokenEndpointAuthSigningAlg);
  }

  /** Which of `scopes` (an API's, going away) some client of the organization holds. */
  async heldOf(change: Change, organizationId: string, scopes: readonly string[]): Promise<string[]> {
    const wanted = new Set(scopes);
    const held = new Set((await this.clientsHoldingAny(change, organizationId, wanted)).flatMap((client) => client.scopes.filter((scope) => wanted.has(scope))));
    return scopes.filter((scope) => held.has(scope));
  }

  /**
   * Takes `scopes` (an API's, going away) from every client of the organization holding them, in
   * the caller's transaction, each with its audit record and the change-feed event that drops it
   * from every process's cache: no client keeps a scope that nobody defines.
   */
  async removeScopes(change: Change, organizationId: string, scopes: readonly string[]): Promise<void> {
    const removed = new Set(scopes);
    const now = this.clock.date();
    for (const client of await this.clientsHoldingAny(change, organizationId, removed)) {
      const kept = client.scopes.filter((scope) => !removed.has(scope));
      await change.manager.update(OAuthClientEntity, { id: client.id }, { scopes: kept, updatedAt: now });
      await this.record(change, client, 'client.scopes_changed', { previous: client.scopes, scopes: kept, reason: 'api_scopes_removed' });
    }
  }

  /** The organization's clients holding one of `scopes`, locked until the transaction ends (scopes are a JSON column: filtered here). */
  private async clientsHoldingAny(change: Change, organizationId: string, scopes: ReadonlySet<string>): Promise<OAuthClientEntity[]> {
    const clients = await lockingRead(change.manager.createQueryBuilder(OAuthClientEntity, 'client'), 'pessimistic_write').where('client.organization_id = :organizationId', { organizationId }).getMany();
    return clients.filter((client) => client.scopes.some((scope) => scopes.has(scope)));
  }

  /**
   * A token exchange policy names audiences of the client's organization (its APIs, or
   * Gatehouse's own), is for a confidential client only, and is set only by a caller holding
   * every scope of each audience (see AccessPolicy.checkGrantTokenExchange).
   */
  private async checkTokenExchange(auth: AuthContext, organizationId: string, isPublic: boolean, dto: TokenExchangePolicyDto | null): Promise<TokenExchangePolicy | null> {
    if (dto === null) return null;
    if (isPublic) throw new BadRequestException('A public client cannot exchange tokens: it has no secret to authenticate with');
    const audiences = await Promise.all(dto.audiences.map(async (audience) => ({ audience, scopes: await this.catalog.scopesOfAudience(organizationId, audience, this.config.audience) })));
    const unknown = audiences.filter((target) => target.scopes === undefined).map((target) => target.audience);
    if (unknown.length > 0) throw new BadRequestException(`Unknown audiences (not an API of the organization, nor Gatehouse's own ${this.config.audience}): ${unknown.join(', ')}`);
    this.policy.checkGrantTokenExchange(auth, audiences.map(({ audience, scopes }) => ({ audience, scopes: scopes ?? [] })));
    return { audiences: [...dto.audiences], delegation: dto.delegation, impersonation: dto.impersonation };
  }

  /** Scopes must exist in the client's organization (Gatehouse's or its APIs'); whether the caller may hand them out is the access policy's call. */
  private async checkAssignable(auth: AuthContext, organizationId: string, scopes: string[]): Promise<void> {
    const unknown = await this.catalog.unknown(organizationId, scopes);
    if (unknown.length > 0) throw new BadRequestException(`Unknown scopes: ${unknown.join(', ')}`);
    this.policy.checkGrantScopes(auth, scopes);
  }
}

/** A public client has no secret: a grant in which it acts for itself would let anyone act as it. */
function checkGrantTypes(isPublic: boolean, grantTypes: readonly string[]): void {
  if (isPublic && grantTypes.includes('client_credentials')) throw new BadRequestException('A public client cannot use the client_credentials grant: it has no secret');
  if (isPublic && grantTypes.includes(TOKEN_EXCHANGE_GRANT)) throw new BadRequestException('A public client cannot use token exchange: it has no secret');
}

/** An algorithm to import a JWK without `alg` with: any the key's type and curve allow (each key is checked again against the assertion's `alg` when used). */
function importAlgorithm(key: JWK): string {
  if (key.kty === 'EC') return ({ 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[key.crv ?? ''] ?? 'ES256';
  return key.kty === 'OKP' ? 'EdDSA' : 'RS256';
}
