import { Controller, Get, Header, NotFoundException, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { SigningKeyService } from '../keys/signing-key.service.js';
import { ScopeRegistry } from '../access/scope-registry.js';
import { ScopeCatalog } from '../apis/scope-catalog.js';
import { AuthorizationServerMetadataDto, JwksDto } from './dto/discovery.dto.js';
import { REALM_PATHS } from './client-authenticated-endpoint.decorator.js';
import { INTROSPECTION_ENDPOINT_PATH, REVOCATION_ENDPOINT_PATH } from './token-lifecycle.controller.js';
import { TOKEN_ENDPOINT_PATH } from './tokens.controller.js';
import { TokensService } from './tokens.service.js';
import { PublicRoute } from '../access/route-access.js';
import { REALM_REGISTRATION_PATH, REGISTRATION_ENDPOINT_PATH } from '../client-registration/registration-paths.js';

export const JWKS_PATH = '/.well-known/jwks.json';

/** RFC 8414 / OpenID Connect Discovery metadata and the JWKS that resource servers verify tokens with. */
@ApiTags('oauth')
@Controller()
@PublicRoute('Discovery documents and public keys: published so that clients and resource servers can find the endpoints and verify tokens')
export class DiscoveryController {
  constructor(
    private readonly config: GatehouseConfig,
    private readonly keys: SigningKeyService,
    private readonly scopes: ScopeRegistry,
    private readonly catalog: ScopeCatalog,
    private readonly tokens: TokensService,
    private readonly organizations: OrganizationDirectory,
  ) {}

  @Get('.well-known/oauth-authorization-server')
  @ApiOperation({ summary: 'Authorization server metadata (RFC 8414)' })
  @ApiOkResponse({ type: AuthorizationServerMetadataDto })
  authorizationServerMetadata(): AuthorizationServerMetadataDto {
    return this.metadata();
  }

  @Get('.well-known/openid-configuration')
  @ApiOperation({ summary: 'OpenID Connect discovery document' })
  @ApiOkResponse({ type: AuthorizationServerMetadataDto })
  openIdConfiguration(): AuthorizationServerMetadataDto {
    return this.metadata();
  }

  @Get(JWKS_PATH)
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify access tokens (JWKS)' })
  @ApiOkResponse({ type: JwksDto })
  jwks(): JwksDto {
    return this.keys.jwks() as JwksDto;
  }

  @Get(REALM_PATHS.map((realm) => `${realm}/.well-known/openid-configuration`))
  @ApiOperation({ summary: "An organization's OpenID Connect discovery document (Keycloak path)" })
  @ApiOkResponse({ type: AuthorizationServerMetadataDto })
  async realmConfiguration(@Param('realm') realm: string): Promise<AuthorizationServerMetadataDto> {
    const { id, issuer } = await this.realm(realm);
    const base = `${issuer}/protocol/openid-connect`;
    // A realm is one organization: its APIs' scopes are requestable there.
    const scopes = (await this.catalog.all(id)).map((scope) => scope.name);
    // Registration at Keycloak's path under the realm, as the realm's other endpoints are.
    const registration = `${issuer}${REALM_REGISTRATION_PATH}`;
    return this.metadata(issuer, { token: `${base}/token`, jwks: `${base}/certs`, introspection: `${base}/token/introspect`, revocation: `${base}/revoke`, authorization: `${base}/auth`, userinfo: `${base}/userinfo`, registration }, scopes);
  }

  @Get(REALM_PATHS.map((realm) => `${realm}/protocol/openid-connect/certs`))
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: "An organization's JWKS (Keycloak path): the same keys as /.well-known/jwks.json" })
  @ApiOkResponse({ type: JwksDto })
  async realmCerts(@Param('realm') realm: string): Promise<JwksDto> {
    await this.realm(realm);
    return this.jwks();
  }

  private async realm(name: string): Promise<OrganizationRecord> {
    const organization = await this.organizations.findByName(name);
    if (!organization) throw new NotFoundException(`Realm ${name} does not exist`);
    return organization;
  }

  private metadata(
    issuer = this.config.issuer,
    endpoints = {
      token: `${this.config.issuer}${TOKEN_ENDPOINT_PATH}`,
      jwks: `${this.config.issuer}${JWKS_PATH}`,
      introspection: `${this.config.issuer}${INTROSPECTION_ENDPOINT_PATH}`,
      revocation: `${this.config.issuer}${REVOCATION_ENDPOINT_PATH}`,
      authorization: `${this.config.issuer}/oauth2/authorize`,
      userinfo: `${this.config.issuer}/oauth2/userinfo`,
      registration: `${this.config.issuer}${REGISTRATION_ENDPOINT_PATH}`,
    },
    scopes: readonly string[] = this.scopes.names(),
  ): AuthorizationServerMetadataDto {
    const clientAuthMethods = ['client_secret_basic', 'client_secret_post'];
    // The keys' algorithms, not OAUTH_SIGNING_ALG: another process may have rotated to another one.
    const signingAlgorithms = this.keys.signingAlgorithms();
    return {
      issuer,
      authorization_endpoint: endpoints.authorization,
      token_endpoint: endpoints.token,
      userinfo_endpoint: endpoints.userinfo,
      jwks_uri: endpoints.jwks,
      introspection_endpoint: endpoints.introspection,
      introspection_endpoint_auth_methods_supported: clientAuthMethods,
      revocation_endpoint: endpoints.revocation,
      registration_endpoint: endpoints.registration,
      revocation_endpoint_auth_methods_supported: [...clientAuthMethods, 'none'],
      grant_types_supported: this.tokens.grantTypes,
      token_endpoint_auth_methods_supported: [...clientAuthMethods, 'none'],
      scopes_supported: [...scopes],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: signingAlgorithms,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'email', 'email_verified', 'name'],
      prompt_values_supported: ['none', 'login', 'consent'],
      authorization_response_iss_parameter_supported: true,
      access_token_signing_alg_values_supported: signingAlgorithms,
      service_documentation: `${this.config.issuer}/docs`,
    };
  }
}
