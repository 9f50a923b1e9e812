import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * `expires_at` in seconds since the epoch (the access token's `exp`): OAuth client libraries
 * (authlib, oauthlib, Go's oauth2) read a field of that name so, and fail on anything else.
 */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Polaris's (Keycloak's) token response fields, plus `expires_at`. */
export class TokenResponseDto {
  @ApiProperty({ description: 'RFC 9068 JWT access token' })
  access_token: string;

  @ApiProperty({ enum: ['Bearer', 'DPoP'], example: 'Bearer', description: '`DPoP` when the request carried a DPoP proof: the token is bound to its key (RFC 9449 §5)' })
  token_type: 'Bearer' | 'DPoP';

  @ApiProperty({ example: 3600, description: 'Seconds until the token expires' })
  expires_in: number;

  @ApiProperty({ type: 'integer', example: 1795821416, description: 'When the access token expires, in seconds since the epoch (its `exp`)' })
  expires_at: number;

  @ApiProperty({ example: 'client:read scope:read', description: 'Space-separated scopes the token carries' })
  scope: string;

  @ApiProperty({ example: 0, description: 'Seconds the refresh token lasts; 0 when there is none (client credentials)' })
  refresh_expires_in: number;

  @ApiPropertyOptional({ example: 'gat_rt_…', description: 'Authorization code and refresh token grants: single use, rotated at each refresh' })
  refresh_token?: string;

  @ApiPropertyOptional({ description: 'OpenID Connect ID token, when the scope includes `openid`' })
  id_token?: string;

  @ApiPropertyOptional({ example: 'urn:ietf:params:oauth:token-type:access_token', description: 'Token exchange only (RFC 8693 §2.2.1): the type of the token issued' })
  issued_token_type?: string;

  @ApiProperty({ name: 'not-before-policy', example: 0 })
  'not-before-policy': number;
}
