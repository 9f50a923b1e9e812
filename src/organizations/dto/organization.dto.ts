import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { REALM_NAME_PATTERN } from '../../config/environment.js';
import { MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS } from '../../config/gatehouse-config.js';
import { type OrganizationRecord } from '../organization-directory.js';
import { type OrganizationEntity } from '../entities/organization.entity.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';

/** Polaris and Imply Hybrid give access tokens five minutes unless told otherwise. */
export const DEFAULT_ORGANIZATION_TOKEN_LIFESPAN_SECONDS = 300;

export class CreateOrganizationDto {
  @ApiProperty({ example: 'default', description: 'Realm name: lower-case letters, digits and dashes; used in /auth/realms/{name}. Cannot change later.' })
  @Matches(REALM_NAME_PATTERN, { message: 'name must be 1-64 characters of a-z 0-9 - (starting with a letter or digit)' })
  name: string;

  @ApiProperty({ example: 'ACME Corporation', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  display_name: string;

  @ApiPropertyOptional({ default: false, description: 'The OAuth feature flag (off by default, as in Imply Hybrid)' })
  @Omittable()
  @IsBoolean()
  oauth_enabled?: boolean;

  @ApiPropertyOptional({ default: DEFAULT_ORGANIZATION_TOKEN_LIFESPAN_SECONDS, description: 'Default access token lifespan in seconds for its clients' })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS)
  access_token_lifespan?: number;

  @ApiPropertyOptional({ default: true, description: "Project resources refuse tokens that lack the project's scope" })
  @Omittable()
  @IsBoolean()
  require_project_scoped_tokens?: boolean;

  @ApiPropertyOptional({ default: false, description: 'Anyone may register a public client at the registration endpoint (RFC 7591 open registration, as MCP clients expect), limited per source address' })
  @Omittable()
  @IsBoolean()
  open_registration?: boolean;

  @ApiPropertyOptional({ default: false, description: "Its clients' authorization requests must be pushed to the PAR endpoint first (RFC 9126); the authorization endpoint refuses the others with `invalid_request`" })
  @Omittable()
  @IsBoolean()
  require_pushed_authorization_requests?: boolean;
}

export class UpdateOrganizationDto extends PartialType(OmitType(CreateOrganizationDto, ['name'] as const), { skipNullProperties: false }) {}

export class OrganizationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'default' })
  name: string;

  @ApiProperty()
  display_name: string;

  @ApiProperty()
  oauth_enabled: boolean;

  @ApiProperty({ type: Number, nullable: true, description: 'Seconds; null means the server default' })
  access_token_lifespan: number | null;

  @ApiProperty()
  require_project_scoped_tokens: boolean;

  @ApiProperty({ description: 'Anonymous registration of public clients (RFC 7591) is allowed' })
  open_registration: boolean;

  @ApiProperty({ description: "Its clients' authorization requests must come through PAR (RFC 9126)" })
  require_pushed_authorization_requests: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: "Keycloak's not-before: the organization's tokens issued earlier are refused" })
  not_before: string | null;

  @ApiProperty({ example: 'http://localhost:8080/auth/realms/default' })
  issuer: string;

  @ApiProperty({ example: 'http://localhost:8080/auth/realms/default/protocol/openid-connect/token' })
  token_endpoint: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  static from(organization: OrganizationEntity, record: Pick<OrganizationRecord, 'issuer'>): OrganizationDto {
    return {
      id: organization.id,
      name: organization.name,
      display_name: organization.displayName,
      oauth_enabled: organization.oauthEnabled,
      access_token_lifespan: organization.accessTokenLifespan,
      require_project_scoped_tokens: organization.requireProjectScopedTokens,
      open_registration: organization.openRegistration,
      require_pushed_authorization_requests: organization.requirePushedAuthorizationRequests,
      not_before: organization.notBefore?.toISOString() ?? null,
      issuer: record.issuer,
      token_endpoint: `${record.issuer}/protocol/openid-connect/token`,
      created_at: organization.createdAt.toISOString(),
      updated_at: organization.updatedAt.toISOString(),
    };
  }
}
