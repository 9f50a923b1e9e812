import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { IsIn } from 'class-validator';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { actorOf } from '../audit/actor.js';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { KeyScopes } from '../scopes/key.scopes.js';
import { Omittable } from '../common/dto/omittable.decorator.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../config/environment.js';
import { SigningKeyService, type SigningKeySummary } from './signing-key.service.js';

export class SigningKeyDto implements SigningKeySummary {
  @ApiProperty({ example: 'S4t6hH8Vq0f3_5v0d1zYgX2kq9wBv7RzvJY0mFZ2B6o' })
  kid: string;

  @ApiProperty({ enum: ['ES256', 'RS256', 'EdDSA'] })
  alg: string;

  @ApiProperty({ enum: ['active', 'retired'] })
  status: 'active' | 'retired';

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  retired_at: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'A retired key leaves the JWKS then' })
  published_until: string | null;
}

export class RotateKeyQueryDto {
  @ApiPropertyOptional({ enum: SIGNING_ALGORITHMS, description: "The algorithm whose key to rotate (each has its own active key); default: OAUTH_SIGNING_ALG's, which signs access tokens" })
  @Omittable()
  @IsIn(SIGNING_ALGORITHMS, { message: `alg must be one of: ${SIGNING_ALGORITHMS.join(', ')}` })
  alg?: SigningAlgorithm;
}

@ApiTags('keys')
@Controller('api/v1/oauth/keys')
export class KeysController {
  constructor(private readonly keys: SigningKeyService) {}

  @Get()
  @Authenticated({ scope: KeyScopes.read, reach: 'platform' })
  @ApiOperation({ summary: 'List signing keys, newest first' })
  @ApiOkResponse({ type: [SigningKeyDto] })
  list(): SigningKeyDto[] {
    return this.keys.summaries();
  }

  @Post('rotate')
  @HttpCode(200)
  @Authenticated({ scope: KeyScopes.rotate, reach: 'platform' })
  @ApiOperation({ summary: 'Rotate a signing key', description: 'New tokens of that algorithm are signed with a new key; the previous key stays in the JWKS until its last token has expired.' })
  @ApiOkResponse({ type: SigningKeyDto })
  rotate(@Auth() auth: AuthContext, @Query() query: RotateKeyQueryDto): Promise<SigningKeyDto> {
    return this.keys.rotate(actorOf(auth), query.alg);
  }
}
