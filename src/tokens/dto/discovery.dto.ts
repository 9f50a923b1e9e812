import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GRANT_TYPES } from '../../token-policy/token-policy.js';
import { DPOP_ALGORITHMS } from '../../auth/dpop-proofs.js';

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

  @ApiProperty({ example: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'] })
  introspection_endpoint_auth_methods_supported: string[];

  @ApiProperty({ type: [String], description: 'The JWS algorithms of private_key_jwt and client_secret_jwt assertions' })
  introspection_endpoint_auth_signing_alg_values_supported: string[];

  @ApiProperty({ example: 'http://localhost:8080/api/v1/oauth/revoke' })
  revocation_endpoint: string;

  @ApiProperty({ example: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] })
  revocation_endpoint_auth_methods_supported: string[];

  @ApiProperty({ type: [String], description: 'The JWS algorithms of private_key_jwt and client_secret_jwt assertions' })
  revocation_endpoint_auth_signing_alg_values_supported: string[];

  @ApiProperty({ example: 'http://localhost:8080/oauth2/logout', description: 'OpenID Connect RP-Initiated Logout' })
  end_session_endpoint: string;

  @ApiProperty({ example: 'http://localhost:8080/v1/oauth2/register', description: 'Dynamic Client Registration (RFC 7591)' })
  registration_endpoint: string;

  @ApiProperty({ example: 'http://localhost:8080/api/v1/oauth/par', description: 'Pushed Authorization Requests (RFC 9126)' })
  pushed_authorization_request_endpoint: string;

  @ApiProperty({ description: "RFC 9126: every authorization request must be pushed first. A realm's document says its organization's setting; the server-wide one, which serves every organization's clients, false (a client's own setting is in its registration)" })
  require_pushed_authorization_requests: boolean;

  @ApiProperty({ example: 'http://localhost:8080/api/v1/oauth/device_authorization', description: 'Device Authorization Grant (RFC 8628), for command-line tools' })
  device_authorization_endpoint: string;

  @ApiProperty({ type: [String], example: [...GRANT_TYPES] })
  grant_types_supported: string[];

  @ApiProperty({ type: [String], example: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] })
  token_endpoint_auth_methods_supported: string[];

  @ApiProperty({ type: [String], description: 'The JWS algorithms of private_key_jwt and client_secret_jwt assertions' })
  token_endpoint_auth_signing_alg_values_supported: string[];

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

  @ApiProperty({ description: 'RFC 9449 §5.1: the algorithms DPoP proofs may be signed with', example: [...DPOP_ALGORITHMS] })
  dpop_signing_alg_values_supported: string[];

  @ApiProperty()
  service_documentation: string;
}

/** A public signing key (RFC 7517): EC keys carry crv, x and y; RSA keys n and e; OKP (Ed25519) keys crv and x. */
export class JwkDto {
  @ApiProperty({ enum: ['EC', 'RSA', 'OKP'], example: 'EC' })
  kty: string;

  @ApiProperty({ example: '3iTXrLFOHRe9v-TaUfgb4v4Mk6oqHcxB6ZbO2Fclj5I', description: 'Key id: the `kid` in the header of tokens it signs' })
  kid: string;

  @ApiProperty({ enum: ['ES256', 'RS256', 'EdDSA'], example: 'ES256' })
  alg: string;

  @ApiProperty({ enum: ['sig'], example: 'sig' })
  use: string;

  @ApiPropertyOptional({ enum: ['P-256', 'Ed25519'], example: 'P-256', description: 'EC and OKP keys' })
  crv?: string;

  @ApiPropertyOptional({ example: 'zR-lTzJty-F4MO2pALuD8dLbY9gqyRsB_MTZyZevRNg', description: 'EC and OKP keys (base64url)' })
  x?: string;

  @ApiPropertyOptional({ example: 'NI6j78Fd5U3aj8S2IvzmNorHvVy2dPsefbsnWqw83s0', description: 'EC keys (base64url)' })
  y?: string;

  @ApiPropertyOptional({ description: 'RSA keys: the modulus (base64url)' })
  n?: string;

  @ApiPropertyOptional({ example: 'AQAB', description: 'RSA keys: the exponent (base64url)' })
  e?: string;
}

export class JwksDto {
  @ApiProperty({ type: [JwkDto], description: 'The public keys that verify tokens: the current ones and those still within a rotation' })
  keys: JwkDto[];
}

/** RFC 9728 §2: what a client needs to know of a protected resource to get a token for it. */
export class ProtectedResourceMetadataDto {
  @ApiProperty({ example: 'http://localhost:8080', description: 'The resource identifier: the `aud` of its tokens, and the `resource` (RFC 8707) that asks for one' })
  resource: string;

  @ApiProperty({ type: [String], example: ['http://localhost:8080'], description: 'Issuers whose tokens the resource accepts; their RFC 8414 metadata says how to get one' })
  authorization_servers: string[];

  @ApiProperty({ type: [String], description: "The resource's scopes" })
  scopes_supported: string[];

  @ApiProperty({ type: [String], example: ['header'], description: 'Tokens are sent in the Authorization header only (RFC 6750 §2.1)' })
  bearer_methods_supported: string[];

  @ApiProperty({ example: 'Gatehouse' })
  resource_name: string;

  @ApiProperty({ example: 'http://localhost:8080/docs' })
  resource_documentation: string;
}
