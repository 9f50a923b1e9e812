import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { jsonArray, jsonValue } from '../../database/json-array.transformer.js';
import { type TokenExchangePolicy } from '../../token-policy/token-exchange-policy.js';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';

@Entity('oauth_client')
export class OAuthClientEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Index('idx_oauth_client_organization')
  @Column({ name: 'organization_id', type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_oauth_client_organization' })
  organization?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description: string | null;

  /** See ClientSecretHasher: the secret itself is never stored. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 128 })
  secretHash: string;

  @Column({ type: 'text', transformer: jsonArray })
  scopes: string[];

  /** Named bundles of scopes (administer-clients, administer-account), bounded by the organization. */
  @Column({ type: 'varchar', length: 1000, default: '[]', transformer: jsonArray })
  permissions: string[];

  /** Seconds; `null` means the organization's default. */
  @Column({ name: 'access_token_lifespan', type: 'int', nullable: true })
  accessTokenLifespan: number | null;

  /** The configured root client: holds every scope, hidden from the client API. */
  @Column({ name: 'is_root', type: 'boolean', default: false })
  isRoot: boolean;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  /**
   * Keycloak's not-before policy: access tokens issued before this instant are refused. Pushed
   * explicitly, and by disabling a client or regenerating its secret.
   */
  @Column({ name: 'not_before', type: 'datetime', precision: 3, nullable: true })
  notBefore: Date | null;

  /** Where the authorization endpoint may send users back to, matched exactly (Polar's redirect URIs). */
  @Column({ name: 'redirect_uris', type: 'varchar', length: 4000, default: '[]', transformer: jsonArray })
  redirectUris: string[];

  /** Shown on the consent page. */
  @Column({ name: 'logo_uri', type: 'varchar', length: 2000, nullable: true })
  logoUri: string | null;

  /** RFC 7591 `client_uri`: the client's home page, linked from the consent page. */
  @Column({ name: 'client_uri', type: 'varchar', length: 2000, nullable: true })
  clientUri: string | null;

  @Column({ name: 'tos_uri', type: 'varchar', length: 2000, nullable: true })
  tosUri: string | null;

  @Column({ name: 'policy_uri', type: 'varchar', length: 2000, nullable: true })
  policyUri: string | null;

  /**
   * A public client (a browser or native app) has no secret (`secretHash` is empty and matches
   * nothing): it authenticates by PKCE alone and may use only the user grants.
   */
  @Column({ name: 'is_public', type: 'boolean', default: false })
  isPublic: boolean;

  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: its token requests must carry a DPoP proof. */
  @Column({ name: 'dpop_bound_access_tokens', type: 'boolean', default: false })
  dpopBoundAccessTokens: boolean;

  /** RFC 7591 `grant_types`: the grants the token endpoint lets this client use. */
  @Column({ name: 'grant_types', type: 'varchar', length: 200, default: '[]', transformer: jsonArray })
  grantTypes: string[];

  /** Where RP-Initiated Logout may send users back to, matched exactly (OpenID Connect `post_logout_redirect_uris`). */
  @Column({ name: 'post_logout_redirect_uris', type: 'text', transformer: jsonArray })
  postLogoutRedirectUris: string[];

  /** The algorithm its ID tokens are signed with (OpenID Connect Registration `id_token_signed_response_alg`). */
  @Column({ name: 'id_token_signed_response_alg', type: 'varchar', length: 16, default: 'RS256' })
  idTokenSignedResponseAlg: string;

  /** Polar's `default_sub_type`: the `sub_type` of an authorization request that names none (null: `user`). */
  @Column({ name: 'default_sub_type', type: 'varchar', length: 16, nullable: true })
  defaultSubType: 'user' | 'organization' | null;

  /** RFC 9126 `require_pushed_authorization_requests`: the authorization endpoint takes its requests only through PAR. */
  @Column({ name: 'require_pushed_authorization_requests', type: 'boolean', default: false })
  requirePushedAuthorizationRequests: boolean;

  /** RFC 7591 `token_endpoint_auth_method`: how it authenticates (see ClientAuthenticationGuard). */
  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 32, default: 'client_secret_basic' })
  tokenEndpointAuthMethod: string;

  /** RFC 7591 `jwks`: its public keys as a JWK Set, JSON (private_key_jwt), or null. */
  @Column({ type: 'text', nullable: true })
  jwks: string | null;

  /** RFC 7591 `jwks_uri`: where its public keys are fetched from (private_key_jwt), or null. */
  @Column({ name: 'jwks_uri', type: 'text', nullable: true })
  jwksUri: string | null;

  /** OpenID Connect Registration's `token_endpoint_auth_signing_alg`: the one algorithm its assertions may use; null: any fitting its method. */
  @Column({ name: 'token_endpoint_auth_signing_alg', type: 'varchar', length: 16, nullable: true })
  tokenEndpointAuthSigningAlg: string | null;

  /** client_secret_jwt only: its secret, encrypted (see ClientSecretCipher), to check HMAC assertions with. */
  @Column({ name: 'secret_ciphertext', type: 'text', nullable: true })
  secretCiphertext: string | null;

  /** RFC 8693: the audiences this client may exchange tokens for, and whether by delegation or impersonation (null: no exchange). */
  @Column({ name: 'token_exchange', type: 'text', nullable: true, transformer: jsonValue })
  tokenExchange: TokenExchangePolicy | null;

  @Index('idx_oauth_client_created_at')
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
