import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRANT_TYPES } from '../../token-policy/token-policy.js';

/**
 * Documentation of the token request; the body itself is read by `parseTokenRequest`, and each
 * grant reads only the parameters it declares (the others are ignored).
 */
export class TokenRequestDto {
  @ApiProperty({ enum: GRANT_TYPES, example: 'client_credentials', description: "One of the client's `grant_types`" })
  grant_type: string;

  @ApiPropertyOptional({ description: 'With client_secret_post, or alone for a public client; leave out when using HTTP Basic' })
  client_id?: string;

  @ApiPropertyOptional({ description: 'With client_secret_post; leave out when using HTTP Basic' })
  client_secret?: string;

  @ApiPropertyOptional({ description: "client_credentials and refresh_token: a space-separated subset of the client's (or the refresh token's) scopes; all of them when left out", example: 'client:read' })
  scope?: string;

  @ApiPropertyOptional({ description: 'authorization_code (required): the code from the authorization response' })
  code?: string;

  @ApiPropertyOptional({ description: 'authorization_code: the redirect URI of the authorization request; may be left out when the client registered exactly one' })
  redirect_uri?: string;

  @ApiPropertyOptional({ description: 'authorization_code: the PKCE verifier (RFC 7636), required when the authorization request had a code_challenge' })
  code_verifier?: string;

  @ApiPropertyOptional({ description: 'refresh_token (required): the refresh token to exchange; it is spent, and a new one of its family returned' })
  refresh_token?: string;
}
