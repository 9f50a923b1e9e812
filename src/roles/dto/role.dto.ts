import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsString, Matches, MaxLength } from 'class-validator';
import { Omittable } from '../../common/dto/omittable.decorator.js';
import { REALM_NAME_PATTERN } from '../../config/environment.js';
import { ROLE_NAME_PATTERN } from '../../scopes/permissions.js';
import { SCOPE_TOKEN } from '../../scopes/scope-definition.js';
import { type ResolvedRole } from '../role-directory.js';

export const MAX_SCOPES_PER_ROLE = 100;

export class CreateRoleDto {
  @ApiProperty({ example: 'order-manager', pattern: ROLE_NAME_PATTERN.source, description: 'A lowercase slug; not `member` nor a built-in permission. Fixed once created: clients and users hold the role by it' })
  @IsString()
  @Matches(ROLE_NAME_PATTERN, { message: 'name must be 2 to 63 characters of a-z, 0-9 and -, starting with a letter' })
  name: string;

  @ApiPropertyOptional({ example: 'Reads and fulfils orders', maxLength: 1000, default: '' })
  @Omittable()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiProperty({
    type: [String],
    example: ['orders:*', 'client:read'],
    description:
      "Scopes of Gatehouse and of the organization's APIs, each one the caller holds. A trailing wildcard (`orders:*`) grants every scope the organization knows with that prefix, including scopes added to an API later; it must match at least one now. Identity scopes (openid, profile, email) are not privileges: every user holds them",
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SCOPES_PER_ROLE)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  @Matches(SCOPE_TOKEN, { each: true, message: 'each scope must be an RFC 6749 scope token (no spaces, quotes or backslashes), or one ending in *' })
  scopes: string[];

  @ApiPropertyOptional({ example: 'default', description: "The role's organization; only the root client may name another than its own" })
  @Omittable()
  @Matches(REALM_NAME_PATTERN, { message: 'organization must be an organization name' })
  organization?: string;
}

/** Fields left out keep their value; the name cannot change. */
export class UpdateRoleDto extends PartialType(OmitType(CreateRoleDto, ['name', 'organization'] as const), { skipNullProperties: false }) {}

/** `?organization=` on the routes of one role or the list: only the root client may name another organization than its own. */
export class RoleOrganizationQueryDto {
  @ApiPropertyOptional({ example: 'default', description: 'The organization whose roles these are; only the root client may name another than its own' })
  @Omittable()
  @Matches(REALM_NAME_PATTERN, { message: 'organization must be an organization name' })
  organization?: string;
}

export class RoleDto {
  @ApiProperty({ example: 'order-manager' })
  name: string;

  @ApiProperty()
  description: string;

  @ApiProperty({ type: [String], example: ['orders:*', 'client:read'], description: 'As defined, patterns included' })
  scopes: string[];

  @ApiProperty({ type: [String], example: ['orders:read', 'orders:write', 'client:read'], description: 'What the role grants now: its scopes with every pattern expanded' })
  granted_scopes: string[];

  @ApiProperty({ description: 'Built into Gatehouse (administer-account, administer-clients), or defined by the organization' })
  built_in: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: "The defining organization's id (absent for a built-in role)" })
  organization_id?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  created_at?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  updated_at?: string;

  static builtIn(permission: { readonly name: string; readonly description: string; readonly scopes: readonly string[] }): RoleDto {
    return { name: permission.name, description: permission.description, scopes: [...permission.scopes], granted_scopes: [...permission.scopes], built_in: true };
  }

  static from(role: ResolvedRole): RoleDto {
    const { record } = role;
    return {
      name: record.name,
      description: record.description,
      scopes: [...record.scopes],
      granted_scopes: [...role.scopes],
      built_in: false,
      organization_id: record.organizationId,
      created_at: record.createdAt.toISOString(),
      updated_at: record.updatedAt.toISOString(),
    };
  }
}
