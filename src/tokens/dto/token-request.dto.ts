import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRANT_TYPES } from '../../token-policy/token-policy.js';

/**
 * Documentation of the token request; the body itself is read by `parseTokenRequest`, and each
 * grant reads only the parameters it declares (the others are ignored).
 */
/** Example bodies, one per grant, for the token endpoint's request. */
export const TOKEN_REQUEST_EXAMPLES = {
  client_credentials: { summary: 'Client credentials (a service calling an API)', value: { grant_type: 'client_credentials', client_id: 'my-client', client_secret: 'its secret' } },
  authorization_code: {
    summary: 'Authorization code with PKCE (after /oauth2/authorize)',
    value: { grant_type: 'authorization_code', client_id: 'my-app', code: 'the code from the redirect', redirect_uri: 'https://app.example.com/callback', code_verifier: 'the PKCE verifier' },
  },
  refresh_token: { summary: 'Refresh token', value: { grant_type: 'refresh_token', client_id: 'my-app', refresh_token: 'gat_rt_…' } },
  device_code: {
    summary: 'Device code (RFC 8628: a command-line tool polling after /api/v1/oauth/device_authorization)',
    value: { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: 'my-cli', device_code: 'the device_code of the device authorization response' },
  },
  token_exchange: {
    summary: 'Token exchange (RFC 8693: a service trades a token it received for one aimed at another API)',
    value: {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      client_id: 'orders-service',
      client_secret: 'its secret',
      subject_token: 'the access token the service received',
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: 'https://billing.example.com',
      scope: 'billing:read',
    },
  },
};

export class TokenRequestDto {
  @ApiProperty({ enum: GRANT_TYPES, example: 'client_credentials', description: "One of the client's `grant_types`; it decides which of the other fields are read: client_credentials reads `scope`, `resource`, `audience`; authorization_code reads `code` (required), `redirect_uri`, `code_verifier`, `resource`, `audience`; refresh_token reads `refresh_token` (required), `scope`, `resource`, `audience`; urn:ietf:params:oauth:grant-type:device_code reads `device_code` (required), `resource`, `audience`; token exchange reads `subject_token` and `subject_token_type` (required), `actor_token`, `actor_token_type`, `scope`, `resource`, `audience`, `requested_token_type`" })
  grant_type: string;

  @ApiPropertyOptional({ description: 'With client_secret_post, or alone for a public client; leave out when using HTTP Basic' })
  client_id?: string;

  @ApiPropertyOptional({ description: 'With client_secret_post; leave out when using HTTP Basic' })
  client_secret?: string;

  @ApiPropertyOptional({ enum: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer'], description: 'With private_key_jwt or client_secret_jwt (RFC 7523 §2.2), together with client_assertion' })
  client_assertion_type?: string;

  @ApiPropertyOptional({ description: "With private_key_jwt or client_secret_jwt: a JWT signed by the client (iss and sub its client_id, aud this server's issuer or token endpoint, exp, jti used once)" })
  client_assertion?: string;

  @ApiPropertyOptional({ description: 'Token exchange (required, RFC 8693): the Gatehouse access token to exchange' })
  subject_token?: string;

  @ApiPropertyOptional({ enum: ['urn:ietf:params:oauth:token-type:access_token'], description: 'Token exchange (required): the type of `subject_token`; access tokens only' })
  subject_token_type?: string;

  @ApiPropertyOptional({ description: "Token exchange, delegation: an access token of the party acting for the subject, named in the new token's `act`" })
  actor_token?: string;

  @ApiPropertyOptional({ enum: ['urn:ietf:params:oauth:token-type:access_token'], description: 'Token exchange: the type of `actor_token`, required with it' })
  actor_token_type?: string;

  @ApiPropertyOptional({ enum: ['urn:ietf:params:oauth:token-type:access_token'], description: 'Token exchange: the type of token wanted; only an access token is issued' })
  requested_token_type?: string;

  @ApiPropertyOptional({ description: "client_credentials, refresh_token and token exchange: a space-separated subset of the client's (or the refresh token's) scopes; all of them when left out", example: 'client:read' })
  scope?: string;

  @ApiPropertyOptional({ description: 'authorization_code (required): the code from the authorization response' })
  code?: string;

  @ApiPropertyOptional({ description: 'authorization_code: the redirect URI of the authorization request; may be left out when the client registered exactly one' })
  redirect_uri?: string;

  @ApiPropertyOptional({ description: 'authorization_code: the PKCE verifier (RFC 7636), required when the authorization request had a code_challenge' })
  code_verifier?: string;

  @ApiPropertyOptional({ description: 'refresh_token (required): the refresh token to exchange; it is spent, and a new one of its family returned' })
  refresh_token?: string;

  @ApiPropertyOptional({ description: 'urn:ietf:params:oauth:grant-type:device_code (required): the device code of the device authorization response. Until the user answers: `authorization_pending`; polled sooner than `interval` seconds: `slow_down` (the interval grows by 5); then `access_denied`, `expired_token`, or the tokens, once' })
  device_code?: string;

  @ApiPropertyOptional({ description: 'Every grant (RFC 8707): the identifier of one of your APIs (`/api/v1/apis`); the token is for that API (its `aud`), with its scopes only', example: 'https://orders.example.com' })
  resource?: string;

  @ApiPropertyOptional({ description: 'Every grant: the same as `resource`, under the name Auth0 and others use', example: 'https://orders.example.com' })
  audience?: string;
}
