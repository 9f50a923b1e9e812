import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { type JSONWebKeySet } from 'jose';
import { ASSERTION_SIGNING_ALGORITHMS, publicJwksProblem, TOKEN_ENDPOINT_AUTH_METHODS, type TokenEndpointAuthMethod } from '../client-auth-methods.js';
import { CLIENT_ID_PATTERN, REALM_NAME_PATTERN, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../../config/environment.js';
import { ROLE_NAME_PATTERN } from '../../scopes/permissions.js';
import { MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS } from '../../config/gatehouse-config.js';
import { SCOPE_TOKEN } from '../../scopes/scope-definition.js';
import { GRANT_TYPES, TOKEN_EXCHANGE_GRANT } from '../../token-policy/token-policy.js';
import { IsWebUri } from './web-uri.validator.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';

export const MAX_SCOPES_PER_CLIENT = 100;
/** Polar's `sub_type`: a token for the user, or for an organization the user picks. */
export const SUB_TYPES = ['user', 'organization'] as const;
/** What the permissions column holds room for. */
export const MAX_PERMISSIONS_PER_CLIENT = 10;

/** How many audiences one exchange policy may name. */
export const MAX_TOKEN_EXCHANGE_AUDIENCES = 20;

/** RFC 8693: what a client may exchange tokens for (see TokenExchangePolicy). */
export class TokenExchangePolicyDto {
  @ApiProperty({ type: [String], example: ['https://orders.example.com'], description: "The audiences the client may exchange tokens for: identifiers of the organization's APIs, or Gatehouse's own audience" })
  @IsArray()
  @ArrayMaxSize(MAX_TOKEN_EXCHANGE_AUDIENCES)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(255, { each: true })
  audiences: string[];

  @ApiProperty({ description: 'Delegation: with an `actor_token`, the new token names the actor in its `act` claim' })
  @IsBoolean()
  delegation: boolean;

  @ApiProperty({ description: "Impersonation: without an actor, the new token speaks for the subject token's subject alone" })
  @IsBoolean()
  impersonation: boolean;
}

/** Everything about a client that can be set at creation and changed later. */
export class ClientSettingsDto {
  @ApiPropertyOptional({ example: 'MPS-test', description: 'Choose the client id (Polaris and Imply let you name it); generated when left out' })
  @Omittable()
  @Matches(CLIENT_ID_PATTERN, { message: 'client_id must be 1 to 64 characters of A-Z a-z 0-9 . _ ~ -' })
  client_id?: string;

  @ApiPropertyOptional({ example: 'default', description: "The client's organization; only the root client may name another than its own" })
  @Omittable()
  @Matches(REALM_NAME_PATTERN, { message: 'organization must be an organization name' })
  organization?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['administer-clients'],
    description: "Client permissions (bundles of scopes, bounded by the organization): built-in ones or the organization's own roles (GET /api/v1/oauth/role); the caller must hold every scope of each",
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_PERMISSIONS_PER_CLIENT)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(ROLE_NAME_PATTERN, { each: true, message: 'each permission must be a role name: a lowercase slug, e.g. administer-clients' })
  permissions?: string[];

  @ApiProperty({ type: [String], example: ['client:read', 'scope:read'], description: 'Scopes the client may request; each must be one the caller holds' })
  @IsArray()
  @ArrayMaxSize(MAX_SCOPES_PER_CLIENT)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SCOPE_TOKEN, { each: true, message: 'each scope must be a non-empty RFC 6749 scope token (no spaces, quotes or backslashes)' })
  @MaxLength(128, { each: true })
  scopes: string[];

  @ApiPropertyOptional({ example: 'Nightly export job', maxLength: 200 })
  @Omittable()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'Reads policies for the export pipeline', maxLength: 1000 })
  @Omittable()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ description: 'Lifespan of this client\'s access tokens in seconds; overrides the server default', minimum: 1, maximum: MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS, example: 300 })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS)
  access_token_lifespan?: number;

  @ApiPropertyOptional({ type: [String], example: ['https://app.example.com/callback', 'http://localhost:3000/callback'], description: 'Where the authorization endpoint may send users back, matched exactly: https, or http on localhost / loopback only' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsWebUri({ each: true })
  redirect_uris?: string[];

  @ApiPropertyOptional({ type: [String], example: ['https://app.example.com/signed-out'], description: 'Where RP-Initiated Logout (the end_session_endpoint) may send users back, matched exactly: https, or http on localhost / loopback only' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsWebUri({ each: true })
  post_logout_redirect_uris?: string[];

  @ApiPropertyOptional({ enum: SIGNING_ALGORITHMS, default: 'RS256', description: 'OpenID Connect `id_token_signed_response_alg`: the algorithm of its ID tokens (access tokens use OAUTH_SIGNING_ALG)' })
  @Omittable()
  @IsIn(SIGNING_ALGORITHMS, { message: `id_token_signed_response_alg must be one of: ${SIGNING_ALGORITHMS.join(', ')}` })
  id_token_signed_response_alg?: SigningAlgorithm;

  @ApiPropertyOptional({ default: false, description: 'RFC 9449 §5.2 `dpop_bound_access_tokens`: its token requests must carry a DPoP proof, so that every token it gets is bound to a key (refused with `invalid_dpop_proof` otherwise)' })
  @Omittable()
  @IsBoolean()
  dpop_bound_access_tokens?: boolean;

  @ApiPropertyOptional({
    type: [String],
    enum: GRANT_TYPES,
    example: ['authorization_code', 'refresh_token'],
    description: 'RFC 7591 `grant_types`: the grants this client may use at the token endpoint. Default: `client_credentials`, `authorization_code` and `refresh_token` for a confidential client, `authorization_code` and `refresh_token` for a public one (which cannot use `client_credentials`). The device grant (`urn:ietf:params:oauth:grant-type:device_code`, for command-line tools) must be named',
  })
  @Omittable()
  @IsArray()
  @ArrayUnique()
  @IsIn(GRANT_TYPES, { each: true, message: `each grant type must be one of: ${GRANT_TYPES.join(', ')}` })
  grant_types?: string[];

  @ApiPropertyOptional({
    type: TokenExchangePolicyDto,
    nullable: true,
    description: `RFC 8693 token exchange: the audiences this confidential client may exchange tokens it received for, and whether by delegation or impersonation; null: none (the default). Whoever sets it must hold every scope of each audience. The client also needs the \`${TOKEN_EXCHANGE_GRANT}\` grant type (given by default when created with a policy)`,
  })
  // null clears the policy; anything else must be a whole policy.
  @ValidateIf((_object, value) => value !== undefined && value !== null)
  @ValidateNested()
  @Type(() => TokenExchangePolicyDto)
  token_exchange?: TokenExchangePolicyDto | null;

  @ApiPropertyOptional({ enum: SUB_TYPES, description: "Polar's `default_sub_type`: the token's subject when an authorization request sends no `sub_type` (default: user)" })
  @Omittable()
  @IsIn(SUB_TYPES)
  default_sub_type?: (typeof SUB_TYPES)[number];

  @ApiPropertyOptional({ default: false, description: 'RFC 9126 `require_pushed_authorization_requests`: the authorization endpoint takes its requests only through the PAR endpoint' })
  @Omittable()
  @IsBoolean()
  require_pushed_authorization_requests?: boolean;

  @ApiPropertyOptional({ example: 'https://app.example.com/logo.png', description: 'Shown on the consent page' })
  @Omittable()
  @IsWebUri()
  logo_uri?: string;

  @ApiPropertyOptional({ example: 'https://app.example.com', description: "RFC 7591 `client_uri`: the client's home page" })
  @Omittable()
  @IsWebUri()
  client_uri?: string;

  @ApiPropertyOptional({ example: 'https://app.example.com/terms', description: 'Terms of service, linked from the consent page' })
  @Omittable()
  @IsWebUri()
  tos_uri?: string;

  @ApiPropertyOptional({ example: 'https://app.example.com/privacy', description: 'Privacy policy, linked from the consent page' })
  @Omittable()
  @IsWebUri()
  policy_uri?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { keys: [{ kty: 'EC', crv: 'P-256', kid: 'k1', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }] },
    description: 'private_key_jwt: the public keys (a JWK Set) that verify its client assertions; private keys are refused. Setting it clears jwks_uri',
  })
  @Omittable()
  @ValidateBy({ name: 'isPublicJwks', validator: { validate: (value: unknown) => publicJwksProblem(value) === undefined, defaultMessage: (arguments_) => publicJwksProblem(arguments_?.value) ?? 'jwks is invalid' } })
  jwks?: JSONWebKeySet;

  @ApiPropertyOptional({ example: 'https://app.example.com/jwks.json', description: 'private_key_jwt: where its public keys are fetched from (https; cached, refetched when an assertion names an unknown kid). Setting it clears jwks' })
  @Omittable()
  @IsString()
  @MaxLength(2000)
  jwks_uri?: string;

  @ApiPropertyOptional({ enum: ASSERTION_SIGNING_ALGORITHMS, description: 'The one algorithm its client assertions may use (OpenID Connect Registration); left out, any that its method allows' })
  @Omittable()
  @IsIn(ASSERTION_SIGNING_ALGORITHMS, { message: `token_endpoint_auth_signing_alg must be one of: ${ASSERTION_SIGNING_ALGORITHMS.join(', ')}` })
  token_endpoint_auth_signing_alg?: string;
}

/** Fields fixed at creation. */
export class CreateClientDto extends ClientSettingsDto {
  @ApiPropertyOptional({ description: 'A public client (a browser or mobile app) has no secret (`token_endpoint_auth_method: none`): it uses the authorization code flow with PKCE S256, and then needs at least one redirect URI, or the device grant (a command-line tool)', default: false })
  @Omittable()
  @IsBoolean()
  public?: boolean;

  @ApiPropertyOptional({
    enum: TOKEN_ENDPOINT_AUTH_METHODS,
    description:
      'How it authenticates at the token, introspection and revocation endpoints (RFC 7591). Default: client_secret_basic (which also takes client_secret_post), `none` for a public client. ' +
      'private_key_jwt needs jwks or jwks_uri and gets no secret; client_secret_jwt gets a secret that it may use only to sign assertions (the server needs CLIENT_SECRET_ENCRYPTION_KEY). A client of either JWT method can use no other method',
  })
  @Omittable()
  @IsIn(TOKEN_ENDPOINT_AUTH_METHODS, { message: `token_endpoint_auth_method must be one of: ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}` })
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
}
