import { ApiProperty } from '@nestjs/swagger';

export class AuthorizationServerMetadataDto {
  @ApiProperty({ example: 'http://localhost:8080' })
  issuer: string;

  @ApiProperty({ example: 'http://localhost:8080/oauth2/authorize' })
  authorization_endpoint: string;

  @ApiProperty({ example: 'http://localhost:8080/api/v1/oauth/token' })
  token_endpoint: string;

  @ApiProperty({ example: 'http://localhost:8080/oauth2/userinfo' })
  userinfo_endpoint: string;

  @ApiProperty({ example: 'http://localhost:8080/.well-known/jwks.json' })
  jwks_uri: string;

  @ApiProperty({ example: 'http://localhost:8080/api/v1/oauth/introspect' })
  introspection_endpoint: string;

  @ApiProperty({ example: ['client_secret_basic', 'client_secret_post'] })
  introspection_endpoint_auth_methods_supported: string[];

  @ApiProperty({ example: 'http://localhost:8080/api/v1/oauth/revoke' })
  revocation_endpoint: string;

  @ApiProperty({ example: ['client_secret_basic', 'client_secret_post'] })
  revocation_endpoint_auth_methods_supported: string[];

  @ApiProperty({ example: 'http://localhost:8080/oauth2/logout', description: 'OpenID Connect RP-Initiated Logout' })
  end_session_endpoint: string;

  @ApiProperty({ example: 'http://localhost:8080/v1/oauth2/register', description: 'Dynamic Client Registration (RFC 7591)' })
  registration_endpoint: string;

  @ApiProperty({ type: [String], example: ['client_credentials'] })
  grant_types_supported: string[];

  @ApiProperty({ type: [String], example: ['client_secret_basic', 'client_secret_post'] })
  token_endpoint_auth_methods_supported: string[];

  @ApiProperty({ type: [String] })
  scopes_supported: string[];

  @ApiProperty({ type: [String], example: ['code'] })
  response_types_supported: string[];

  @ApiProperty({ type: [String], example: ['query', 'form_post'], description: 'OAuth 2.0 Form Post Response Mode as well as the query' })
  response_modes_supported: string[];

  @ApiProperty({ type: [String], example: ['S256'] })
  code_challenge_methods_supported: string[];

  @ApiProperty({ type: [String], example: ['public'] })
  subject_types_supported: string[];

  @ApiProperty({ type: [String], example: ['RS256', 'ES256', 'EdDSA'] })
  id_token_signing_alg_values_supported: string[];

  @ApiProperty({ type: [String] })
  claims_supported: string[];

  @ApiProperty({ type: [String], example: ['none', 'login', 'consent'] })
  prompt_values_supported: string[];

  @ApiProperty({ description: 'RFC 9207: authorization responses carry `iss`' })
  authorization_response_iss_parameter_supported: boolean;

  @ApiProperty({ example: false, description: 'OpenID Connect Core §6: request objects (`request`) are refused with request_not_supported' })
  request_parameter_supported: boolean;

  @ApiProperty({ example: false, description: 'OpenID Connect Core §6: `request_uri` is refused with request_uri_not_supported' })
  request_uri_parameter_supported: boolean;

  @ApiProperty({ type: [String], example: ['ES256'] })
  access_token_signing_alg_values_supported: string[];

  @ApiProperty()
  service_documentation: string;
}

export class JwksDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Public JWKs with kid, alg and use' })
  keys: Record<string, unknown>[];
}
