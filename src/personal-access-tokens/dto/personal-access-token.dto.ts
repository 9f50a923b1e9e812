import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { REALM_NAME_PATTERN } from '../../config/environment.js';
import { SCOPE_TOKEN } from '../../scopes/scope-definition.js';
import { type PersonalAccessTokenEntity } from '../entities/personal-access-token.entity.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';

export const MAX_PERSONAL_ACCESS_TOKEN_DAYS = 366;

export class CreatePersonalAccessTokenDto {
  @ApiProperty({ example: 'CI deploys', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({ type: [String], example: ['client:read'], description: "A subset of the scopes the user's role gives them (not token:personal)" })
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SCOPE_TOKEN, { each: true, message: 'each scope must be an RFC 6749 scope token' })
  scopes: string[];

  @ApiProperty({ minimum: 1, maximum: MAX_PERSONAL_ACCESS_TOKEN_DAYS, example: 30, description: 'Every token expires: at most a year' })
  @IsInt()
  @Min(1)
  @Max(MAX_PERSONAL_ACCESS_TOKEN_DAYS)
  expires_in_days: number;

  @ApiPropertyOptional({ example: 'default', description: "The organization it acts in: one of the user's (default: the organization of the calling token)" })
  @Omittable()
  @Matches(REALM_NAME_PATTERN, { message: 'organization must be an organization name' })
  organization?: string;
}

/** A personal access token as listed: never the token or its hash. */
export class PersonalAccessTokenDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'gat_pat_Zx8q', description: 'The first characters of the token, to recognise it' })
  token_prefix: string;

  @ApiProperty({ type: [String] })
  scopes: string[];

  @ApiProperty({ format: 'uuid' })
  organization_id: string;

  @ApiProperty({ format: 'date-time' })
  expires_at: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from(row: PersonalAccessTokenEntity): PersonalAccessTokenDto {
    return {
      id: row.id,
      name: row.name,
      token_prefix: row.tokenPrefix,
      scopes: row.scopes,
      organization_id: row.organizationId,
      expires_at: row.expiresAt.toISOString(),
      created_at: row.createdAt.toISOString(),
    };
  }
}

/** The only response that carries the token itself. */
export class CreatedPersonalAccessTokenDto extends PersonalAccessTokenDto {
  @ApiProperty({ example: 'gat_pat_Zx8q…', description: 'Shown once; store it now. Send it as `Authorization: Bearer <token>`' })
  token: string;
}
