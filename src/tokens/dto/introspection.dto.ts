import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Documentation of introspection and revocation requests; the body itself is read by `parseTokenRequest`. */
export class TokenParameterDto {
  @ApiProperty({ description: 'The access token' })
  token: string;

  @ApiPropertyOptional({ enum: ['access_token', 'refresh_token'], description: 'A hint only: every token type is searched' })
  token_type_hint?: string;

  @ApiPropertyOptional({ description: 'With client_secret_post; leave out when using HTTP Basic' })
  client_id?: string;

  @ApiPropertyOptional({ description: 'With client_secret_post; leave out when using HTTP Basic' })
  client_secret?: string;

  @ApiPropertyOptional({ enum: ['urn:ietf:params:oauth:client-assertion-type:jwt-bearer'], description: 'With private_key_jwt or client_secret_jwt (RFC 7523 §2.2), together with client_assertion' })
  client_assertion_type?: string;

  @ApiPropertyOptional({ description: "With private_key_jwt or client_secret_jwt: a JWT signed by the client (iss and sub its client_id, aud this server's issuer or token endpoint, exp, jti used once)" })
  client_assertion?: string;
}

/** RFC 7662 §2.2. An inactive token gets `{ "active": false }` and nothing else. */
export class IntrospectionResponseDto {
  @ApiProperty()
  active: boolean;

  @ApiPropertyOptional({ description: 'The scopes the token grants now (a scope taken from its client since is gone)' })
  scope?: string;

  @ApiPropertyOptional()
  client_id?: string;

  @ApiPropertyOptional()
  sub?: string;

  @ApiPropertyOptional({ description: 'Epoch seconds' })
  exp?: number;

  @ApiPropertyOptional({ description: 'Epoch seconds' })
  iat?: number;

  @ApiPropertyOptional()
  iss?: string;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: 'https://orders.example.com', description: 'The audience: one identifier, or several' })
  aud?: string | string[];

  @ApiPropertyOptional()
  jti?: string;

  @ApiPropertyOptional({ enum: ['Bearer', 'DPoP'], example: 'Bearer' })
  token_type?: string;

  @ApiPropertyOptional({ description: 'RFC 9449 §6.2: the thumbprint of the DPoP key the token is bound to', example: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } })
  cnf?: { jkt: string };

  @ApiPropertyOptional({ description: 'The organization the token belongs to' })
  org_id?: string;

  @ApiPropertyOptional({ description: "The organization's realm name" })
  org?: string;

  @ApiPropertyOptional({ description: 'Set for a project-scoped token' })
  project_id?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { sub: 'orders-service', act: { sub: 'frontend' } }, description: 'RFC 8693 §4.1, for a token issued by token exchange with an actor: who acts for `sub`, earlier actors nested in its own `act`' })
  act?: Record<string, unknown>;
}
