import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Polaris's (Keycloak's) token response fields, plus Fides's ISO-8601 `expires_at`. */
export class TokenResponseDto {
  @ApiProperty({ description: 'RFC 9068 JWT access token' })
  access_token: string;

  @ApiProperty({ example: 'Bearer' })
  token_type: 'Bearer';

  @ApiProperty({ example: 3600, description: 'Seconds until the token expires' })
  expires_in: number;

  @ApiProperty({ example: '2026-11-22T19:00:00.000Z', format: 'date-time' })
  expires_at: string;

  @ApiProperty({ example: 'client:read scope:read', description: 'Space-separated scopes the token carries' })
  scope: string;

  @ApiProperty({ example: 0, description: 'Seconds the refresh token lasts; 0 when there is none (client credentials)' })
  refresh_expires_in: number;

  @ApiPropertyOptional({ example: 'gat_rt_…', description: 'Authorization code and refresh token grants: single use, rotated at each refresh' })
  refresh_token?: string;

  @ApiPropertyOptional({ description: 'OpenID Connect ID token, when the scope includes `openid`' })
  id_token?: string;

  @ApiProperty({ name: 'not-before-policy', example: 0 })
  'not-before-policy': number;
}
