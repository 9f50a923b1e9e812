import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { ReadThroughDirectory } from '../common/cache/read-through-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { type SigningAlgorithm } from '../config/environment.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { type HeldInOrganization, OrganizationHolders } from '../organizations/organization-holders.js';
import { RoleDirectory } from '../roles/role-directory.js';
import { RoleHolders } from '../roles/role-holders.js';
import { Clock } from '../common/clock.js';
import { type JSONWebKeySet } from 'jose';
import { type TokenEndpointAuthMethod } from './client-auth-methods.js';
import { type TokenExchangePolicy } from '../token-policy/token-exchange-policy.js';

/** What authentication needs to know of a client, as read from the database. */
export interface ClientRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly secretHash: string;
  /** Its own scopes plus those of its permissions (not meaningful for the root client, which holds all). */
  readonly scopes: readonly string[];
  readonly permissions: readonly string[];
  readonly isRoot: boolean;
  /** No secret: authenticates by client_id alone, for the user grants, with PKCE. */
  readonly isPublic: boolean;
  readonly redirectUris: readonly string[];
  /** RFC 7591 `grant_types`: the grants it may use at the token endpoint. */
  readonly grantTypes: readonly string[];
  /** RFC 9449 §5.2: its token requests must carry a DPoP proof. */
  readonly dpopBoundAccessTokens: boolean;
  /** Where RP-Initiated Logout may send users back, matched exactly. */
  readonly postLogoutRedirectUris: readonly string[];
  /** The algorithm its ID tokens are signed with. */
  readonly idTokenSignedResponseAlg: SigningAlgorithm;
  /** Polar's `default_sub_type`; null: `user`. */
  readonly defaultSubType: 'user' | 'organization' | null;
  /** RFC 9126: the authorization endpoint takes its requests only through PAR. */
  readonly requirePushedAuthorizationRequests: boolean;
  /** RFC 8693: what it may exchange tokens for; null: nothing. */
  readonly tokenExchange: TokenExchangePolicy | null;
  readonly disabled: boolean;
  /** How it authenticates (RFC 7591 `token_endpoint_auth_method`); see ClientAuthenticationGuard. */
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** private_key_jwt: its inline JWK Set, parsed, or null. */
  readonly jwks: JSONWebKeySet | null;
  /** private_key_jwt: where its JWK Set is fetched from, or null. */
  readonly jwksUri: string | null;
  /** The one algorithm its assertions may use, or null for any fitting its method. */
  readonly tokenEndpointAuthSigningAlg: string | null;
  /** client_secret_jwt: its secret, encrypted (ClientSecretCipher). */
  readonly secretCiphertext: string | null;
  readonly accessTokenLifespan: number | null;
  /** Epoch ms: tokens issued before it are refused (its creation, or a later not-before push). */
  readonly notBefore: number;
  /** Epoch ms of the last not-before push (0: none); the token response's `not-before-policy`. */
  readonly notBeforePolicy: number;
}

/** How a client presents itself to users: on the consent page (Polar's name, logo, terms and privacy policy) and the account page. */
export interface ClientPresentationRecord {
  readonly id: string;
  readonly organizationId: string;
  /** Its name, or its id when it has none. */
  readonly name: string;
  readonly logoUri: string | null;
  readonly tosUri: string | null;
  readonly policyUri: string | null;
  /** Where it sends users back to: how a user tells apart two apps of the same name. */
  readonly redirectUris: readonly string[];
}

/** What a client's scopes are worked out from. */
interface ClientGrants {
  readonly organizationId: string;
  readonly scopes: readonly string[];
  readonly permissions: readonly string[];
}

/**
 * Clients by id, kept in memory so that neither the token endpoint nor the bearer guard waits on
 * the database for a client seen in the last CLIENT_CACHE_TTL_SECONDS. A change to a client,
 * made by this process or another, drops its entry through the change feed.
 */
@Injectable()
export class ClientDirectory {
  private readonly cache: ReadThroughDirectory<ClientRecord>;

  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    config: GatehouseConfig,
    metrics: MetricsService,
    feed: ChangeFeed,
    holders: OrganizationHolders,
    clock: Clock,
    private readonly roles: RoleDirectory,
    roleHolders: RoleHolders,
  ) {
    holders.register(this);
    roleHolders.register('clients', this);
    this.cache = new ReadThroughDirectory({
      ttlMs: config.clientCacheTtlMs,
      maxEntries: 50_000,
      onLookup: metrics.cacheLookupRecorder('clients'),
      feed,
      clock,
      // Deleting an organization deletes its clients; a changed role, or an API's scopes that
      // role patterns match, change what the clients holding it hold.
      invalidateOn: { client: 'subject', organization: 'all', role: 'all', api: 'all' },
    });
  }

  find(id: string): Promise<ClientRecord | undefined> {
    return this.cache.get(id, async () => {
      const row = await this.repository.findOneBy({ id });
      if (!row) return undefined;
      return {
        id: row.id,
        organizationId: row.organizationId,
        secretHash: row.secretHash,
        scopes: await this.heldScopesOf(row),
        permissions: row.permissions,
        isRoot: row.isRoot,
        isPublic: row.isPublic,
        redirectUris: row.redirectUris,
        grantTypes: row.grantTypes,
        dpopBoundAccessTokens: row.dpopBoundAccessTokens,
        postLogoutRedirectUris: row.postLogoutRedirectUris,
        idTokenSignedResponseAlg: row.idTokenSignedResponseAlg as SigningAlgorithm,
        defaultSubType: row.defaultSubType,
        requirePushedAuthorizationRequests: row.requirePushedAuthorizationRequests,
        tokenExchange: row.tokenExchange,
        disabled: row.disabled,
        tokenEndpointAuthMethod: row.tokenEndpointAuthMethod as TokenEndpointAuthMethod,
        jwks: row.jwks === null ? null : (JSON.parse(row.jwks) as JSONWebKeySet),
        jwksUri: row.jwksUri,
        tokenEndpointAuthSigningAlg: row.tokenEndpointAuthSigningAlg,
        secretCiphertext: row.secretCiphertext,
        accessTokenLifespan: row.accessTokenLifespan,
        // A client id deleted and created again must not bring the old client's tokens back.
        notBefore: Math.max(row.createdAt.getTime(), row.notBefore?.getTime() ?? 0),
        notBeforePolicy: row.notBefore?.getTime() ?? 0,
      };
    });
  }

  /**
   * How clients present themselves, read fresh (a page shows what was just saved), all in one
   * query; clients that do not exist are absent from the map.
   */
  async presentations(ids: readonly string[]): Promise<Map<string, ClientPresentationRecord>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.repository.findBy({ id: In(unique) });
    return new Map(rows.map((row) => [row.id, { id: row.id, organizationId: row.organizationId, name: row.name ?? row.id, logoUri: row.logoUri, tosUri: row.tosUri, policyUri: row.policyUri, redirectUris: row.redirectUris }]));
  }

  /** Every scope a client holds: its own, plus those its permissions grant in its organization now. */
  async heldScopesOf(client: ClientGrants): Promise<string[]> {
    if (client.permissions.length === 0) return [...client.scopes];
    return [...new Set([...client.scopes, ...(await this.roles.scopesOfPermissions(client.organizationId, client.permissions))])];
  }

  /** What the organization's clients hold, all together (for OrganizationHolders). */
  async heldIn(organizationId: string): Promise<HeldInOrganization> {
    const clients = await this.repository.find({ select: { organizationId: true, scopes: true, permissions: true, isRoot: true }, where: { organizationId } });
    const held = await Promise.all(clients.map((client) => this.heldScopesOf(client)));
    return { scopes: [...new Set(held.flat())], includesRoot: clients.some((client) => client.isRoot) };
  }

  /** How many of the organization's clients hold the permission `name` (for RoleHolders). */
  async holdersOf(organizationId: string, name: string): Promise<number> {
    const clients = await this.repository.find({ select: { permissions: true }, where: { organizationId } });
    return clients.filter((client) => client.permissions.includes(name)).length;
  }

  invalidate(id: string): void {
    this.cache.invalidate(id);
  }

  invalidateAll(): void {
    this.cache.invalidateAll();
  }
}
