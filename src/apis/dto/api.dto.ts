import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { Omittable } from '../../common/dto/omittable.decorator.js';
import { PageDto } from '../../common/dto/page.dto.js';
import { MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS } from '../../config/gatehouse-config.js';
import { REALM_NAME_PATTERN, SIGNING_ALGORITHMS } from '../../config/environment.js';
import { SCOPE_TOKEN } from '../../scopes/scope-definition.js';
import { type ApiEntity } from '../entities/api.entity.js';
import { IsApiIdentifier, MAX_API_IDENTIFIER_LENGTH } from './api-identifier.validator.js';

export const MAX_SCOPES_PER_API = 100;
export const MAX_API_SCOPE_NAME_LENGTH = 128;
export const MAX_API_SCOPE_DESCRIPTION_LENGTH = 300;

/** A field that may be left out, or sent as `null` to mean "none" (the server's or client's default). */
const OmittableOrNull = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined && value !== null);

/** One scope an API defines. */
export class ApiScopeDto {
  @ApiProperty({ example: 'orders:read', maxLength: MAX_API_SCOPE_NAME_LENGTH, description: "An RFC 6749 scope token; not one of Gatehouse's own scopes, an OpenID Connect scope or project-*, and not defined by another API of the organization" })
  @IsString()
  @Matches(SCOPE_TOKEN, { message: 'each scope name must be a non-empty RFC 6749 scope token (no spaces, quotes or backslashes)' })
  @MaxLength(MAX_API_SCOPE_NAME_LENGTH)
  name: string;

  @ApiProperty({ example: 'Read your orders', minLength: 1, maxLength: MAX_API_SCOPE_DESCRIPTION_LENGTH, description: 'What the consent page tells users this scope lets an app do' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_API_SCOPE_DESCRIPTION_LENGTH)
  description: string;
}

/** Everything about an API that can be set at creation and changed later. */
export class ApiSettingsDto {
  @ApiProperty({ example: 'https://orders.example.com', maxLength: MAX_API_IDENTIFIER_LENGTH, description: "An absolute URI (no fragment), unique in the organization: the `aud` of the API's tokens, and what `resource` names. Stored and compared exactly as given" })
  @IsApiIdentifier()
  identifier: string;

  @ApiProperty({ example: 'Orders API', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ type: [ApiScopeDto], description: 'The scopes the API defines, with the words the consent page shows' })
  @IsArray()
  @ArrayMaxSize(MAX_SCOPES_PER_API)
  @ValidateNested({ each: true })
  @Type(() => ApiScopeDto)
  scopes: ApiScopeDto[];

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS, example: 600, description: "Lifespan in seconds of access tokens for this API; null: the client's or organization's lifespan" })
  @OmittableOrNull()
  @IsInt()
  @Min(1)
  @Max(MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS)
  access_token_lifespan?: number | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    enum: SIGNING_ALGORITHMS,
    description: "Algorithm of this API's access tokens; null: the server's. Gatehouse signs with one algorithm at a time (OAUTH_SIGNING_ALG), so only that one is accepted for now",
  })
  @OmittableOrNull()
  @IsIn(SIGNING_ALGORITHMS)
  signing_algorithm?: string | null;

  @ApiPropertyOptional({ default: false, description: "The API's tokens must be project-scoped (scope=project-{id})" })
  @Omittable()
  @IsBoolean()
  require_project_scoped_tokens?: boolean;

  @ApiPropertyOptional({
    default: false,
    description: "The organization's default API (Auth0's default audience): a token request that names no resource and asks for no scope of another API is for it. Making one API the default makes the previous one an ordinary API",
  })
  @Omittable()
  @IsBoolean()
  default?: boolean;
}

export class CreateApiDto extends ApiSettingsDto {
  @ApiPropertyOptional({ example: 'default', description: "The API's organization; only the root client may name another than its own" })
  @Omittable()
  @Matches(REALM_NAME_PATTERN, { message: 'organization must be an organization name' })
  organization?: string;
}

/** Fields left out keep their value; `scopes` replaces the whole list. */
export class UpdateApiDto extends PartialType(ApiSettingsDto, { skipNullProperties: false }) {}

/** An API as the management API shows it. */
export class ApiDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  organization_id: string;

  @ApiProperty({ example: 'https://orders.example.com' })
  identifier: string;

  @ApiProperty({ example: 'Orders API' })
  name: string;

  @ApiProperty({ type: [ApiScopeDto] })
  scopes: ApiScopeDto[];

  @ApiProperty({ type: Number, nullable: true, description: "Seconds; null: the client's or organization's lifespan" })
  access_token_lifespan: number | null;

  @ApiProperty({ type: String, nullable: true, description: "null: the server's algorithm" })
  signing_algorithm: string | null;

  @ApiProperty()
  require_project_scoped_tokens: boolean;

  @ApiProperty({ description: "Whether this is the organization's default API" })
  default: boolean;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  static from(api: ApiEntity): ApiDto {
    return {
      id: api.id,
      organization_id: api.organizationId,
      identifier: api.identifier,
      name: api.name,
      scopes: api.scopes.map(({ name, description }) => ({ name, description })),
      access_token_lifespan: api.accessTokenLifespanSeconds,
      signing_algorithm: api.signingAlgorithm,
      require_project_scoped_tokens: api.requireProjectScopedTokens,
      default: api.isDefault,
      created_at: api.createdAt.toISOString(),
      updated_at: api.updatedAt.toISOString(),
    };
  }
}

export class ApiPageDto extends PageDto<ApiDto> {
  @ApiProperty({ type: [ApiDto] })
  declare items: ApiDto[];
}
