import { timingSafeEqual } from 'node:crypto';
import { HttpException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { AccessPolicy } from '../access/access-policy.js';
import { type AuthContext, authContextOf, type TokenPrincipal } from '../access/auth-context.js';
import { ApiDirectory } from '../apis/api-directory.js';
import { type Change } from '../audit/unit-of-work.js';
import { AccessTokenVerifier } from '../auth/access-token.verifier.js';
import { ClientDirectory } from '../clients/client-directory.js';
import { ClientSecretHasher } from '../clients/client-secret-hasher.js';
import { ASSERTION_METHODS } from '../clients/client-auth-methods.js';
import { type JSONWebKeySet } from 'jose';
import { ClientsService } from '../clients/clients.service.js';
import { type ClientDto } from '../clients/dto/client.dto.js';
import { type CreateClientDto } from '../clients/dto/create-client.dto.js';
import { type UpdateClientDto } from '../clients/dto/update-client.dto.js';
import { Clock } from '../common/clock.js';
import { InvalidToken, MissingBearerToken, OAuthError } from '../common/errors/oauth-errors.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { DEFAULT_ID_TOKEN_ALGORITHM, type SigningAlgorithm } from '../config/environment.js';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { ApiScopes } from '../scopes/api.scopes.js';
import { ClientScopes } from '../scopes/client.scopes.js';
import { ClientRegistrationEntity } from './entities/client-registration.entity.js';
import { InitialAccessTokenEntity } from './entities/initial-access-token.entity.js';
import { OpenRegistrationLimiter } from './open-registration-limiter.js';
import { InvalidClientMetadata } from './registration-errors.js';
import { checkClientRules, parseRegistrationMetadata, type RegistrationMetadata, type TokenEndpointAuthMethod } from './registration-metadata.js';
import { REALM_REGISTRATION_PATH, REGISTRATION_ENDPOINT_PATH } from './registration-paths.js';
import { INITIAL_ACCESS_TOKEN_PREFIX, newToken, REGISTRATION_ACCESS_TOKEN_PREFIX, tokenHash } from './registration-token-format.js';

/** RFC 6750 §2.1 b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** A registration request as the controller hands it over. */
export interface RegistrationRequest {
  readonly authorization: string | undefined;
  readonly ip: string;
  readonly requestId: string;
  /** The realm in the path; undefined at the server's own endpoint. */
  readonly realm: string | undefined;
}

/** RFC 7591 §3.2.1 / RFC 7592 §3: the client's information, as registered. */
export type ClientInformation = Record<string, unknown>;

/** Who registers: the caller as the clients service knows callers, and how they proved it. */
interface Registrant {
  readonly auth: AuthContext;
  readonly anonymous: boolean;
  readonly initialAccessToken: InitialAccessTokenEntity | undefined;
  /** The organization the client lands in, when the caller (the root client on a realm's path) must name it. */
  readonly organizationName: string | undefined;
}

/**
 * Dynamic Client Registration (RFC 7591) and its management (RFC 7592), on top of the clients
 * service: the client is created, changed and deleted by ClientsService's own rules (redirect
 * URIs, grant types, scopes bounded by the access policy), with the registrant as the caller.
 * Registrants: a bearer token with `client:create` (a personal access token, as on Polar), an
 * initial access token, or nobody, where the organization allows open registration (public
 * clients only, limited per address). The registration access token stands for the client's
 * registration afterwards, bounded by the scopes granted at registration.
 */
@Injectable()
export class ClientRegistrationService {
  constructor(
    @InjectRepository(ClientRegistrationEntity) private readonly registrations: Repository<ClientRegistrationEntity>,
    @InjectRepository(InitialAccessTokenEntity) private readonly initialTokens: Repository<InitialAccessTokenEntity>,
    private readonly clients: ClientsService,
    private readonly clientDirectory: ClientDirectory,
    private readonly hasher: ClientSecretHasher,
    private readonly organizations: OrganizationDirectory,
    private readonly verifier: AccessTokenVerifier,
    private readonly policy: AccessPolicy,
    private readonly apis: ApiDirectory,
    private readonly limiter: OpenRegistrationLimiter,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  async register(request: RegistrationRequest, body: unknown): Promise<ClientInformation> {
    const realm = request.realm === undefined ? undefined : await this.realm(request.realm);
    const registrant = await this.registrant(request, realm);
    const metadata = parseRegistrationMetadata(body, registrant.anonymous ? 'none' : 'client_secret_basic');
    if (registrant.anonymous && metadata.tokenEndpointAuthMethod !== 'none') {
      throw new InvalidClientMetadata('Open registration registers public clients only (token_endpoint_auth_method none); a confidential client needs an access token or an initial access token');
    }
    const scopes = metadata.scopes ?? defaultScopes(metadata);
    const dto: CreateClientDto = { ...settingsOf(metadata), scopes, public: metadata.tokenEndpointAuthMethod === 'none', token_endpoint_auth_method: metadata.tokenEndpointAuthMethod, ...(registrant.organizationName !== undefined && { organization: registrant.organizationName }) };
    await checkClientRules(dto);
    const registrationToken = newToken(REGISTRATION_ACCESS_TOKEN_PREFIX);
    const now = this.clock.date();
    const iat = registrant.initialAccessToken;
    const created = await asRegistrationError(() =>
      this.clients.create(registrant.auth, dto, async (change, client) => {
        if (iat !== undefined) await this.consume(change, iat, client.id);
        await change.manager.insert(ClientRegistrationEntity, {
          clientId: client.id,
          registrationTokenHash: tokenHash(registrationToken),
          tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod,
          maxScopes: scopes,
          createdAt: now,
          updatedAt: now,
        });
        await change.audit({
          action: 'client.registered',
          targetType: 'client',
          targetId: client.id,
          organizationId: client.organizationId,
          details: { by: registrant.anonymous ? 'open_registration' : iat !== undefined ? 'initial_access_token' : 'access_token', ...(iat !== undefined && { initial_access_token_id: iat.id }), token_endpoint_auth_method: metadata.tokenEndpointAuthMethod },
        });
      }),
    );
    const organizationId = (await this.clientDirectory.find(created.client_id))!.organizationId;
    const client = await this.clients.get(this.registrationAuth(created.client_id, organizationId, scopes, request), created.client_id);
    return {
      ...this.information(client, metadata.tokenEndpointAuthMethod, realm),
      ...(created.client_secret !== undefined && { client_secret: created.client_secret, client_secret_expires_at: 0 }),
      registration_access_token: registrationToken,
    };
  }

  /** RFC 7592 §2.1. */
  async read(request: RegistrationRequest, clientId: string): Promise<ClientInformation> {
    const { registration, organizationId, realm } = await this.authorize(request, clientId);
    const client = await this.clients.get(this.registrationAuth(clientId, organizationId, registration.maxScopes, request), clientId);
    return this.information(client, registration.tokenEndpointAuthMethod, realm);
  }

  /**
   * RFC 7592 §2.2: the body replaces the client's metadata (omitted fields take their defaults).
   * The registration access token is rotated: the old one stops working, the response carries the new one.
   */
  async update(request: RegistrationRequest, clientId: string, body: unknown): Promise<ClientInformation> {
    const { registration, organizationId, realm, secretHash } = await this.authorize(request, clientId);
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (fields.client_id !== clientId) throw new InvalidClientMetadata('client_id in the body must be the client being updated');
    if (fields.client_secret !== undefined && fields.client_secret !== null && (typeof fields.client_secret !== 'string' || !this.hasher.verify(fields.client_secret, secretHash))) {
      throw new InvalidClientMetadata('client_secret in the body does not match the client');
    }
    const metadata = parseRegistrationMetadata(body, registration.tokenEndpointAuthMethod as TokenEndpointAuthMethod);
    if ((metadata.tokenEndpointAuthMethod === 'none') !== (registration.tokenEndpointAuthMethod === 'none')) {
      throw new InvalidClientMetadata('token_endpoint_auth_method cannot change between none and a secret: register a new client');
    }
    if (metadata.tokenEndpointAuthMethod !== registration.tokenEndpointAuthMethod && [metadata.tokenEndpointAuthMethod, registration.tokenEndpointAuthMethod].some((method) => ASSERTION_METHODS.includes(method as TokenEndpointAuthMethod))) {
      throw new InvalidClientMetadata('token_endpoint_auth_method cannot change to or from private_key_jwt or client_secret_jwt: register a new client');
    }
    const current = await this.clients.get(this.registrationAuth(clientId, organizationId, registration.maxScopes, request), clientId);
    // What the registration may grant: what it was granted, and what the client holds now.
    const bound = [...new Set([...registration.maxScopes, ...current.scopes])];
    const auth = this.registrationAuth(clientId, organizationId, bound, request);
    const settings = settingsOf(metadata);
    const scopes = metadata.scopes ?? defaultScopes(metadata);
    await checkClientRules({ ...settings, scopes });
    // RFC 7592 §2.2: an omitted field is cleared, which the client API spells null.
    const dto = { ...settings, name: settings.name ?? null, default_sub_type: settings.default_sub_type ?? null, client_uri: settings.client_uri ?? null, logo_uri: settings.logo_uri ?? null, tos_uri: settings.tos_uri ?? null, policy_uri: settings.policy_uri ?? null, post_logout_redirect_uris: settings.post_logout_redirect_uris ?? [], id_token_signed_response_alg: settings.id_token_signed_response_alg ?? DEFAULT_ID_TOKEN_ALGORITHM, require_pushed_authorization_requests: settings.require_pushed_authorization_requests ?? false, dpop_bound_access_tokens: settings.dpop_bound_access_tokens ?? false, scopes } as unknown as UpdateClientDto;
    const registrationToken = newToken(REGISTRATION_ACCESS_TOKEN_PREFIX);
    const updated = await asRegistrationError(() =>
      this.clients.update(auth, clientId, dto, async (change) => {
        // The token presented is spent here: of two updates racing with it, one rotates it, the other is refused.
        const rotated = await change.manager.update(
          ClientRegistrationEntity,
          { clientId, registrationTokenHash: registration.registrationTokenHash },
          { tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod, registrationTokenHash: tokenHash(registrationToken), updatedAt: this.clock.date() },
        );
        if (rotated.affected !== 1) throw new InvalidToken('The registration access token is not valid for this client');
      }),
    );
    return { ...this.information(updated, metadata.tokenEndpointAuthMethod, realm), registration_access_token: registrationToken };
  }

  /** RFC 7592 §2.3: the client goes, its registration with it (and its tokens are refused). */
  async delete(request: RegistrationRequest, clientId: string): Promise<void> {
    const { registration, organizationId } = await this.authorize(request, clientId);
    const current = (await this.clientDirectory.find(clientId))!;
    await this.clients.delete(this.registrationAuth(clientId, organizationId, [...new Set([...registration.maxScopes, ...current.scopes])], request), clientId);
  }

  /**
   * The registration access token of this client (RFC 7592 §2: 401 otherwise, also for a client
   * that does not exist, or another realm's). A token of one client never opens another: the
   * lookup is by the client id in the path, the token compared with that client's hash.
   */
  private async authorize(request: RegistrationRequest, clientId: string): Promise<{ registration: ClientRegistrationEntity; organizationId: string; realm: OrganizationRecord | undefined; secretHash: string }> {
    const realm = request.realm === undefined ? undefined : await this.realm(request.realm);
    const token = bearerToken(request.authorization);
    if (token === undefined) throw new MissingBearerToken();
    const registration = await this.registrations.findOneBy({ clientId });
    const client = registration === null ? undefined : await this.clientDirectory.find(clientId);
    const presented = Buffer.from(tokenHash(token), 'hex');
    const valid = registration !== null && client !== undefined && timingSafeEqual(presented, Buffer.from(registration.registrationTokenHash, 'hex')) && (realm === undefined || realm.id === client.organizationId);
    if (!valid) throw new InvalidToken('The registration access token is not valid for this client');
    return { registration: registration!, organizationId: client!.organizationId, realm, secretHash: client!.secretHash };
  }

  /** Who registers, from the Authorization header: see the class comment. */
  private async registrant(request: RegistrationRequest, realm: OrganizationRecord | undefined): Promise<Registrant> {
    if (request.authorization === undefined || request.authorization === '') {
      const organization = realm ?? (await this.organizations.findByName(this.config.defaultOrganization));
      if (!organization?.openRegistration) throw new MissingBearerToken();
      this.limiter.take(request.ip);
      return { auth: this.principalAuth(anonymousPrincipal(organization.id), request), anonymous: true, initialAccessToken: undefined, organizationName: undefined };
    }
    const token = bearerToken(request.authorization);
    if (token === undefined) throw new InvalidToken('The Authorization header is not "Bearer <token>"');
    if (token.startsWith(INITIAL_ACCESS_TOKEN_PREFIX)) {
      const iat = await this.initialTokens.findOneBy({ tokenHash: tokenHash(token) });
      if (iat === null || iat.revokedAt !== null) throw new InvalidToken('The initial access token is not valid');
      if (iat.expiresAt.getTime() <= this.clock.now()) throw new InvalidToken('The initial access token expired');
      if (iat.uses >= iat.maxUses) throw new InvalidToken('The initial access token is used up');
      if (realm !== undefined && realm.id !== iat.organizationId) throw new InvalidToken('The initial access token was issued for another realm');
      const principal: TokenPrincipal = { clientId: 'initial-access-token', userId: undefined, organizationId: iat.organizationId, projectId: undefined, isRoot: false, scopes: new Set(iat.scopes), tokenId: iat.id };
      return { auth: this.principalAuth(principal, request), anonymous: false, initialAccessToken: iat, organizationName: undefined };
    }
    const { principal } = await this.verifier.verify(token);
    this.policy.checkRoute(principal, { scope: ClientScopes.create, reach: 'organization' });
    if (realm !== undefined && !principal.isRoot && realm.id !== principal.organizationId) throw new InvalidToken('The access token was issued by another realm');
    // As the bearer guard does: an API administrator grants its APIs' scopes.
    const administered = principal.scopes.has(ApiScopes.update.name) ? new Set((await this.apis.ofOrganization(principal.organizationId)).flatMap((api) => api.scopes.map((scope) => scope.name))) : undefined;
    const auth = authContextOf(principal, request.ip, request.requestId, administered);
    return { auth, anonymous: false, initialAccessToken: undefined, organizationName: realm !== undefined && realm.id !== principal.organizationId ? realm.name : undefined };
  }

  /** Counts one use of the initial access token, in the registration's transaction; refused when another registration took the last use first. */
  private async consume(change: Change, iat: InitialAccessTokenEntity, clientId: string): Promise<void> {
    const result = await change.manager
      .createQueryBuilder()
      .update(InitialAccessTokenEntity)
      .set({ uses: () => 'uses + 1' })
      .where('id = :id AND uses < max_uses AND revoked_at IS NULL', { id: iat.id })
      .execute();
    if (result.affected !== 1) throw new InvalidToken('The initial access token is used up');
    await change.audit({ action: 'initial_access_token.used', targetType: 'initial-access-token', targetId: iat.id, organizationId: iat.organizationId, details: { client_id: clientId } });
  }

  private principalAuth(principal: TokenPrincipal, request: RegistrationRequest): AuthContext {
    return authContextOf(principal, request.ip, request.requestId);
  }

  /** The registration access token as a caller: the client acting on itself, holding `scopes`. */
  private registrationAuth(clientId: string, organizationId: string, scopes: readonly string[], request: RegistrationRequest): AuthContext {
    return this.principalAuth({ clientId, userId: undefined, organizationId, projectId: undefined, isRoot: false, scopes: new Set(scopes), tokenId: `registration:${clientId}` }, request);
  }

  private async realm(name: string): Promise<OrganizationRecord> {
    const organization = await this.organizations.findByName(name);
    if (!organization) throw new NotFoundException(`Realm ${name} does not exist`);
    return organization;
  }

  /** RFC 7591 §3.2.1: the metadata as registered (nulls left out), and where to manage it. */
  private information(client: ClientDto, tokenEndpointAuthMethod: string, realm: OrganizationRecord | undefined): ClientInformation {
    const endpoint = realm === undefined ? `${this.config.issuer}${REGISTRATION_ENDPOINT_PATH}` : `${realm.issuer}${REALM_REGISTRATION_PATH}`;
    const usesCode = client.grant_types.includes('authorization_code');
    const information: ClientInformation = {
      client_id: client.client_id,
      client_id_issued_at: Math.floor(Date.parse(client.created_at) / 1000),
      registration_client_uri: `${endpoint}/${encodeURIComponent(client.client_id)}`,
      client_name: client.name,
      redirect_uris: client.redirect_uris,
      client_uri: client.client_uri,
      logo_uri: client.logo_uri,
      tos_uri: client.tos_uri,
      policy_uri: client.policy_uri,
      token_endpoint_auth_method: tokenEndpointAuthMethod,
      grant_types: client.grant_types,
      response_types: usesCode ? ['code'] : [],
      scope: client.scopes.join(' '),
      default_sub_type: client.default_sub_type,
      post_logout_redirect_uris: client.post_logout_redirect_uris,
      id_token_signed_response_alg: client.id_token_signed_response_alg,
      require_pushed_authorization_requests: client.require_pushed_authorization_requests,
      jwks: client.jwks,
      jwks_uri: client.jwks_uri,
      token_endpoint_auth_signing_alg: client.token_endpoint_auth_signing_alg,
      dpop_bound_access_tokens: client.dpop_bound_access_tokens,
    };
    return Object.fromEntries(Object.entries(information).filter(([, value]) => value !== null && value !== undefined));
  }
}

function bearerToken(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
}

/** The caller of an anonymous registration: nobody, holding nothing (identity scopes are anyone's to ask for). */
function anonymousPrincipal(organizationId: string): TokenPrincipal {
  return { clientId: 'open-registration', userId: undefined, organizationId, projectId: undefined, isRoot: false, scopes: new Set(), tokenId: 'open-registration' };
}

/** RFC 7591 §2 leaves the default scope to the server: `openid` for a client that signs users in, nothing else. */
function defaultScopes(metadata: RegistrationMetadata): string[] {
  return metadata.grantTypes.includes('authorization_code') ? ['openid'] : [];
}

/** The client API's settings for registered metadata (their values still unchecked: see checkClientRules). */
function settingsOf(metadata: RegistrationMetadata): Omit<CreateClientDto, 'scopes'> {
  return {
    ...(metadata.clientName !== undefined && { name: metadata.clientName as string }),
    redirect_uris: metadata.redirectUris,
    grant_types: metadata.grantTypes,
    ...(metadata.clientUri !== undefined && { client_uri: metadata.clientUri as string }),
    ...(metadata.logoUri !== undefined && { logo_uri: metadata.logoUri as string }),
    ...(metadata.tosUri !== undefined && { tos_uri: metadata.tosUri as string }),
    ...(metadata.policyUri !== undefined && { policy_uri: metadata.policyUri as string }),
    ...(metadata.defaultSubType !== undefined && { default_sub_type: metadata.defaultSubType }),
    ...(metadata.postLogoutRedirectUris !== undefined && { post_logout_redirect_uris: metadata.postLogoutRedirectUris }),
    ...(metadata.idTokenSignedResponseAlg !== undefined && { id_token_signed_response_alg: metadata.idTokenSignedResponseAlg as SigningAlgorithm }),
    ...(metadata.requirePushedAuthorizationRequests !== undefined && { require_pushed_authorization_requests: metadata.requirePushedAuthorizationRequests as boolean }),
    ...(metadata.jwks !== undefined && { jwks: metadata.jwks as JSONWebKeySet }),
    ...(metadata.jwksUri !== undefined && { jwks_uri: metadata.jwksUri as string }),
    ...(metadata.tokenEndpointAuthSigningAlg !== undefined && { token_endpoint_auth_signing_alg: metadata.tokenEndpointAuthSigningAlg as string }),
    ...(metadata.dpopBoundAccessTokens !== undefined && { dpop_bound_access_tokens: metadata.dpopBoundAccessTokens as boolean }),
  };
}

/**
 * The clients service refuses in the REST API's terms (400, 403); a registration answers in
 * RFC 7591's (§3.2.2): whatever it refuses about the metadata, scopes beyond the registrant's
 * included, is `invalid_client_metadata`. OAuth errors (a used-up token) pass as they are.
 */
async function asRegistrationError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpException && !(error instanceof OAuthError) && error.getStatus() < 500) {
      const response = error.getResponse();
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? error.message);
      throw new InvalidClientMetadata(message);
    }
    throw error;
  }
}
