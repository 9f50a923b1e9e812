import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { REALM_NAME_PATTERN } from '../../config/environment.js';
import { SCOPE_TOKEN } from '../../scopes/scope-definition.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';
import { MAX_SCOPES_PER_CLIENT } from '../../clients/dto/create-client.dto.js';
import { type InitialAccessTokenEntity } from '../entities/initial-access-token.entity.js';

export const MAX_INITIAL_ACCESS_TOKEN_SECONDS = 30 * 86_400;

export class CreateInitialAccessTokenDto {
  @ApiProperty({ example: 'Partner onboarding', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({ type: [String], example: ['openid', 'policy:read'], description: 'The most a client registered with it may hold: scopes the caller holds itself' })
  @IsArray()
  @ArrayMaxSize(MAX_SCOPES_PER_CLIENT)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SCOPE_TOKEN, { each: true, message: 'each scope must be an RFC 6749 scope token' })
  scopes: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1, description: 'How many clients it may register' })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(1000)
  max_uses?: number;

  @ApiPropertyOptional({ minimum: 60, maximum: MAX_INITIAL_ACCESS_TOKEN_SECONDS, default: 86_400, description: 'Seconds until it expires' })
  @Omittable()
  @IsInt()
  @Min(60)
  @Max(MAX_INITIAL_ACCESS_TOKEN_SECONDS)
  expires_in?: number;

  @ApiPropertyOptional({ example: 'default', description: "The organization its clients land in; only the root client may name another than its own" })
  @Omittable()
  @Matches(REALM_NAME_PATTERN, { message: 'organization must be an organization name' })
  organization?: string;
}

/** An initial access token as listed: never the token or its hash. */
export class InitialAccessTokenDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  organization_id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: 'gat_iat_Xk3p', description: 'The first characters of the token, to recognise it' })
  token_prefix: string;

  @ApiProperty({ type: [String] })
  scopes: string[];

  @ApiProperty()
  max_uses: number;

  @ApiProperty()
  uses: number;

  @ApiProperty({ format: 'date-time' })
  expires_at: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  static from(row: InitialAccessTokenEntity): InitialAccessTokenDto {
    return {
      id: row.id,
      organization_id: row.organizationId,
      name: row.name,
      token_prefix: row.tokenPrefix,
      scopes: row.scopes,
      max_uses: row.maxUses,
      uses: row.uses,
      expires_at: row.expiresAt.toISOString(),
      created_at: row.createdAt.toISOString(),
    };
  }
}

/** The only response carrying the token: on creation. */
export class CreatedInitialAccessTokenDto extends InitialAccessTokenDto {
  @ApiProperty({ description: 'Shown once: send it as `Authorization: Bearer` to the registration endpoint' })
  token: string;
}
