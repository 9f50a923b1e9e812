import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { CLIENT_ID_PATTERN, REALM_NAME_PATTERN, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../../config/environment.js';
import { ROLE_NAME_PATTERN } from '../../scopes/permissions.js';
import { MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS } from '../../config/gatehouse-config.js';
import { SCOPE_TOKEN } from '../../scopes/scope-definition.js';
import { GRANT_TYPES } from '../../token-policy/token-policy.js';
import { IsWebUri } from './web-uri.validator.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';

export const MAX_SCOPES_PER_CLIENT = 100;
/** Polar's `sub_type`: a token for the user, or for an organization the user picks. */
export const SUB_TYPES = ['user', 'organization'] as const;
/** What the permissions column holds room for. */
export const MAX_PERMISSIONS_PER_CLIENT = 10;

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
    description: 'RFC 7591 `grant_types`: the grants this client may use at the token endpoint. Default: all of them for a confidential client, `authorization_code` and `refresh_token` for a public one (which cannot use `client_credentials`)',
  })
  @Omittable()
  @IsArray()
  @ArrayUnique()
  @IsIn(GRANT_TYPES, { each: true, message: `each grant type must be one of: ${GRANT_TYPES.join(', ')}` })
  grant_types?: string[];

  @ApiPropertyOptional({ enum: SUB_TYPES, description: "Polar's `default_sub_type`: the token's subject when an authorization request sends no `sub_type` (default: user)" })
  @Omittable()
  @IsIn(SUB_TYPES)
  default_sub_type?: (typeof SUB_TYPES)[number];

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
}

/** Fields fixed at creation. */
export class CreateClientDto extends ClientSettingsDto {
  @ApiPropertyOptional({ description: 'A public client (a browser or mobile app) has no secret (`token_endpoint_auth_method: none`): it uses the authorization code flow with PKCE S256 only, and needs at least one redirect URI', default: false })
  @Omittable()
  @IsBoolean()
  public?: boolean;
}
