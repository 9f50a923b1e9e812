import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS } from '../../config/gatehouse-config.js';
import { SCOPE_TOKEN } from '../../scopes/scope-definition.js';

export const MAX_SCOPES_PER_CLIENT = 100;

export class CreateClientDto {
  @ApiProperty({ type: [String], example: ['client:read', 'scope:read'], description: 'Scopes the client may request; each must be one the caller holds' })
  @IsArray()
  @ArrayMaxSize(MAX_SCOPES_PER_CLIENT)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(SCOPE_TOKEN, { each: true, message: 'each scope must be a non-empty RFC 6749 scope token (no spaces, quotes or backslashes)' })
  @MaxLength(128, { each: true })
  scopes: string[];

  @ApiPropertyOptional({ example: 'Nightly export job', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'Reads policies for the export pipeline', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ description: 'Lifespan of this client\'s access tokens in seconds; overrides the server default', minimum: 1, maximum: MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS, example: 300 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS)
  access_token_lifespan?: number;
}
