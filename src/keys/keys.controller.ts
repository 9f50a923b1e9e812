import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { actorOf } from '../audit/actor.js';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { KeyScopes } from '../scopes/key.scopes.js';
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
  @ApiOperation({ summary: 'Rotate the signing key', description: 'New tokens are signed with a new key; the previous key stays in the JWKS until its last token has expired.' })
  @ApiOkResponse({ type: SigningKeyDto })
  rotate(@Auth() auth: AuthContext): Promise<SigningKeyDto> {
    return this.keys.rotate(actorOf(auth));
  }
}
