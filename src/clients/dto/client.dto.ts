import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type JSONWebKeySet } from 'jose';
import { type OAuthClientEntity } from '../entities/oauth-client.entity.js';
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../client-auth-methods.js';
import { TokenExchangePolicyDto } from './create-client.dto.js';

/** A client as the API shows it: never its secret or the secret's hash. */
export class ClientDto {
  @ApiProperty({ example: '8d2c1f0b4e6a49f3a1d0' })
  client_id: string;

  @ApiProperty({ format: 'uuid' })
  organization_id: string;

  @ApiProperty({ type: String, nullable: true })
  name: string | null;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ type: [String], example: ['policy:read'] })
  scopes: string[];

  @ApiProperty({ type: [String], example: ['administer-clients'] })
  permissions: string[];

  @ApiProperty({ type: Number, nullable: true, description: "Seconds; null means the organization's default" })
  access_token_lifespan: number | null;

  @ApiProperty()
  disabled: boolean;

  @ApiProperty({ type: [String] })
  redirect_uris: string[];

  @ApiProperty({ type: [String], description: 'Where RP-Initiated Logout may send users back' })
  post_logout_redirect_uris: string[];

  @ApiProperty({ enum: ['RS256', 'ES256', 'EdDSA'], description: 'The algorithm of its ID tokens' })
  id_token_signed_response_alg: string;

  @ApiProperty({ description: 'RFC 9449 §5.2: its token requests must carry a DPoP proof' })
  dpop_bound_access_tokens: boolean;

  @ApiProperty({ type: String, nullable: true })
  logo_uri: string | null;

  @ApiProperty({ type: String, nullable: true })
  client_uri: string | null;

  @ApiProperty({ type: String, nullable: true })
  tos_uri: string | null;

  @ApiProperty({ type: String, nullable: true })
  policy_uri: string | null;

  @ApiProperty({ type: [String], example: ['client_credentials', 'authorization_code', 'refresh_token'], description: 'RFC 7591 `grant_types`: the grants this client may use at the token endpoint' })
  grant_types: string[];

  @ApiProperty({ type: String, enum: ['user', 'organization'], nullable: true, description: "Polar's `default_sub_type` (null: user)" })
  default_sub_type: 'user' | 'organization' | null;

  @ApiProperty({ description: 'RFC 9126: its authorization requests must come through the PAR endpoint' })
  require_pushed_authorization_requests: boolean;
  @ApiProperty({ type: TokenExchangePolicyDto, nullable: true, description: 'RFC 8693: what it may exchange tokens for (null: nothing)' })
  token_exchange: TokenExchangePolicyDto | null;

  @ApiProperty({ description: 'A public client has no secret and uses PKCE' })
  public: boolean;

  @ApiProperty({ enum: TOKEN_ENDPOINT_AUTH_METHODS, description: '`none` for a public client; client_secret_basic also takes client_secret_post; a client of a JWT method can use no other' })
  token_endpoint_auth_method: string;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'private_key_jwt: its public keys, when given inline' })
  jwks: JSONWebKeySet | null;

  @ApiProperty({ type: String, nullable: true, description: 'private_key_jwt: where its public keys are fetched from' })
  jwks_uri: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The one algorithm its client assertions may use (null: any its method allows)' })
  token_endpoint_auth_signing_alg: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: "Keycloak's not-before: tokens issued earlier are refused" })
  not_before: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  static from(client: OAuthClientEntity): ClientDto {
    return {
      client_id: client.id,
      organization_id: client.organizationId,
      name: client.name,
      description: client.description,
      scopes: client.scopes,
      permissions: client.permissions,
      access_token_lifespan: client.accessTokenLifespan,
      disabled: client.disabled,
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris,
      id_token_signed_response_alg: client.idTokenSignedResponseAlg,
      dpop_bound_access_tokens: client.dpopBoundAccessTokens,
      logo_uri: client.logoUri,
      client_uri: client.clientUri,
      tos_uri: client.tosUri,
      policy_uri: client.policyUri,
      grant_types: client.grantTypes,
      default_sub_type: client.defaultSubType,
      require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
      token_exchange: client.tokenExchange === null ? null : { audiences: [...client.tokenExchange.audiences], delegation: client.tokenExchange.delegation, impersonation: client.tokenExchange.impersonation },
      public: client.isPublic,
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
      jwks: client.jwks === null ? null : (JSON.parse(client.jwks) as JSONWebKeySet),
      jwks_uri: client.jwksUri,
      token_endpoint_auth_signing_alg: client.tokenEndpointAuthSigningAlg,
      not_before: client.notBefore?.toISOString() ?? null,
      created_at: client.createdAt.toISOString(),
      updated_at: client.updatedAt.toISOString(),
    };
  }
}

/** The only response that carries a client secret: on creation and on regeneration. */
export class ClientCredentialsDto {
  @ApiProperty({ example: '8d2c1f0b4e6a49f3a1d0' })
  client_id: string;

  @ApiPropertyOptional({ example: 'kq0V3cN2-1hZ7bM9wXy5rT8uPz4sL6dF', description: 'Shown once; store it now. Absent for a public client, which has none' })
  client_secret?: string;
}

export class AddressLockoutDto {
  @ApiProperty({ example: '203.0.113.7', description: 'The source address (an IPv6 address counts as its /64)' })
  address: string;

  @ApiProperty({ description: 'Failed authentications from this address in its current window' })
  failures: number;

  @ApiProperty({ description: "This address's lockouts so far; each doubles the wait" })
  lockouts: number;

  @ApiProperty({ type: String, format: 'date-time' })
  locked_until: string;
}

export class LockoutStatusDto {
  @ApiProperty()
  client_id: string;

  @ApiProperty({ description: 'Failed authentications from all addresses in the current window (BRUTE_FORCE_MAX_FAILURES_OVERALL)' })
  failures: number;

  @ApiProperty({ description: 'Times the overall budget was spent so far; each doubles the wait' })
  lockouts: number;

  @ApiProperty({ description: 'The overall budget is spent: until locked_until, only addresses that authenticated as this client recently are served' })
  locked: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  locked_until: string | null;

  @ApiProperty({ type: [AddressLockoutDto], description: 'Addresses locked out for this client now (BRUTE_FORCE_MAX_FAILURES failures from one address)' })
  locked_addresses: AddressLockoutDto[];
}
