import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Documentation of a pushed authorization request (RFC 9126 §2.1); the body itself is read by `parseTokenRequest`, then by the authorization endpoint's rules. */
export class PushedAuthorizationRequestDto {
  @ApiProperty({ enum: ['code'] })
  response_type: string;

  @ApiPropertyOptional({ description: 'Required with client_secret_post or for a public client; may be left out with HTTP Basic' })
  client_id?: string;

  @ApiPropertyOptional({ description: 'With client_secret_post; leave out when using HTTP Basic or for a public client' })
  client_secret?: string;

  @ApiPropertyOptional({ example: 'https://app.example.com/callback', description: 'One of the client\'s registered redirect URIs (may be left out when it has exactly one)' })
  redirect_uri?: string;

  @ApiPropertyOptional({ example: 'openid email' })
  scope?: string;

  @ApiPropertyOptional()
  state?: string;

  @ApiPropertyOptional({ description: 'PKCE (RFC 7636) S256 challenge; required for a public client' })
  code_challenge?: string;

  @ApiPropertyOptional({ enum: ['S256'] })
  code_challenge_method?: string;

  @ApiPropertyOptional()
  nonce?: string;

  @ApiPropertyOptional({ enum: ['none', 'login', 'consent'] })
  prompt?: string;

  @ApiPropertyOptional({ enum: ['query', 'form_post'] })
  response_mode?: string;

  @ApiPropertyOptional({ description: 'RFC 8707: the API the tokens are for' })
  resource?: string;
}

/** RFC 9126 §2.2. */
export class PushedAuthorizationResponseDto {
  @ApiProperty({ example: 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c', description: 'Send it, with client_id, to the authorization endpoint: once, before it expires' })
  request_uri: string;

  @ApiProperty({ example: 60, description: 'Seconds it may be presented (PAR_REQUEST_URI_LIFETIME_SECONDS)' })
  expires_in: number;
}
