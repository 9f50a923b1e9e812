import { Controller, Get, Header, NotFoundException, Param, Redirect } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { SigningKeyService } from '../keys/signing-key.service.js';
import { ScopeRegistry } from '../access/scope-registry.js';
import { ScopeCatalog } from '../apis/scope-catalog.js';
import { AuthorizationServerMetadataDto, JwksDto, ProtectedResourceMetadataDto } from './dto/discovery.dto.js';
import { REALM_PATHS } from './client-authenticated-endpoint.decorator.js';
import { INTROSPECTION_ENDPOINT_PATH, REVOCATION_ENDPOINT_PATH } from './token-lifecycle.controller.js';
import { TOKEN_ENDPOINT_PATH } from './tokens.controller.js';
import { PUSHED_AUTHORIZATION_REQUEST_ENDPOINT_PATH, REALM_PUSHED_AUTHORIZATION_REQUEST_PATH } from './pushed-authorization.controller.js';
import { DEVICE_AUTHORIZATION_ENDPOINT_PATH, REALM_DEVICE_AUTHORIZATION_PATH } from './device-authorization.controller.js';
import { TokensService } from './tokens.service.js';
import { RESPONSE_MODES } from '../common/html/authorization-response.js';
import { PublicRoute } from '../access/route-access.js';
import { ASSERTION_SIGNING_ALGORITHMS } from '../clients/client-auth-methods.js';
import { BrowserCors } from '../common/http/cors.js';
import { DPOP_ALGORITHMS } from '../auth/dpop-proofs.js';
import { REALM_REGISTRATION_PATH, REGISTRATION_ENDPOINT_PATH } from '../client-registration/registration-paths.js';
import { PROTECTED_RESOURCE_METADATA_PATH, protectedResourceMetadataPath } from '../token-policy/protected-resource.js';

export const JWKS_PATH = '/.well-known/jwks.json';
/** A realm's issuer path (see OrganizationRecord.issuer). */
const REALM_ISSUER_PATH = 'auth/realms/:realm';

/** RFC 8414 / OpenID Connect Discovery metadata and the JWKS that resource servers verify tokens with. */
@ApiTags('token')
@Controller()
// Browser apps read these before they hold any credential.
@BrowserCors('registered')
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

  /**
   * Gatehouse's own API as a protected resource (RFC 9728), at the path its guarded routes' 401s
   * name: `/.well-known/oauth-protected-resource` followed by the path of its identifier (RFC 9728
   * §3.1), which is no path at all unless OAUTH_TOKEN_AUDIENCE has one. Realms issue tokens for it
   * too, but only the server's issuer is listed: the list is public, and realm names need not be.
   */
  @Get(PROTECTED_RESOURCE_METADATA_PATH.slice(1))
  @ApiOperation({
    summary: "Protected resource metadata (RFC 9728) of Gatehouse's own API",
    description:
      "Served at `/.well-known/oauth-protected-resource` followed by the path of the API's identifier (`OAUTH_TOKEN_AUDIENCE`, the issuer by default), " +
      'which is the URL the `resource_metadata` of every 401 from a guarded route names; any other path is 404.',
  })
  @ApiOkResponse({ type: ProtectedResourceMetadataDto })
  protectedResourceMetadata(): ProtectedResourceMetadataDto {
    return this.ownResourceMetadata(PROTECTED_RESOURCE_METADATA_PATH);
  }

  /** The path-inserted variant, for an audience with a path (documented with the route above). */
  @Get(`${PROTECTED_RESOURCE_METADATA_PATH.slice(1)}/*`)
  @ApiExcludeEndpoint()
  protectedResourceMetadataOfPath(@Param('*') suffix: string): ProtectedResourceMetadataDto {
    return this.ownResourceMetadata(`${PROTECTED_RESOURCE_METADATA_PATH}/${suffix}`);
  }

  private ownResourceMetadata(path: string): ProtectedResourceMetadataDto {
    if (path !== protectedResourceMetadataPath(this.config.audience)) throw new NotFoundException(`No protected resource is described at ${path}`);
    return {
      resource: this.config.audience,
      authorization_servers: [this.config.issuer],
      scopes_supported: this.scopes.names(),
      bearer_methods_supported: ['header'],
      resource_name: 'Gatehouse',
      resource_documentation: `${this.config.issuer}/docs`,
    };
  }

  @Get(JWKS_PATH)
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify access tokens (JWKS)' })
  @ApiOkResponse({ type: JwksDto })
  jwks(): JwksDto {
    return this.keys.jwks() as JwksDto;
  }

  /**
   * A realm's metadata, under its issuer `{ISSUER}/auth/realms/{org}`: OpenID Connect Discovery's
   * suffixed path, and RFC 8414 §3's path-inserted ones for both well-known names. Each answers the
   * same document, whose issuer is exactly the URL fetched minus the well-known part.
   */
  @Get([`${REALM_ISSUER_PATH}/.well-known/openid-configuration`, `.well-known/openid-configuration/${REALM_ISSUER_PATH}`, `.well-known/oauth-authorization-server/${REALM_ISSUER_PATH}`])
  @ApiOperation({
    summary: "An organization's discovery document (OpenID Connect and RFC 8414)",
    description:
      'Served at `/auth/realms/{realm}/.well-known/openid-configuration` (Keycloak) and at the RFC 8414 path-inserted ' +
      '`/.well-known/openid-configuration/auth/realms/{realm}` and `/.well-known/oauth-authorization-server/auth/realms/{realm}`; ' +
      '`/realms/{realm}/.well-known/openid-configuration` redirects (308) to the first.',
  })
  @ApiOkResponse({ type: AuthorizationServerMetadataDto })
  async realmConfiguration(@Param('realm') realm: string): Promise<AuthorizationServerMetadataDto> {
    const organization = await this.realm(realm);
    const { issuer } = organization;
    const base = `${issuer}/protocol/openid-connect`;
    const endpoints = { token: `${base}/token`, jwks: `${base}/certs`, introspection: `${base}/token/introspect`, revocation: `${base}/revoke`, authorization: `${base}/auth`, userinfo: `${base}/userinfo`, endSession: `${base}/logout`, registration: `${issuer}${REALM_REGISTRATION_PATH}`, pushedAuthorizationRequest: `${issuer}${REALM_PUSHED_AUTHORIZATION_REQUEST_PATH}`, deviceAuthorization: `${issuer}${REALM_DEVICE_AUTHORIZATION_PATH}` };
    return this.metadata(issuer, endpoints, await this.realmScopes(organization), organization.requirePushedAuthorizationRequests);
  }

  /**
   * The realm's issuer is `/auth/realms/{org}` whichever path its tokens were requested at: the
   * tokens carry that one issuer so that resource servers verify them against one value. A document
   * here could not claim `/realms/{org}` as its issuer (its tokens would not match it) nor
   * `/auth/realms/{org}` (OpenID Connect Discovery §4.3: the issuer must be the URL it was fetched
   * under), so this path sends the client to the realm's own document instead.
   */
  @Get('realms/:realm/.well-known/openid-configuration')
  @Redirect(undefined, 308)
  @ApiExcludeEndpoint()
  async realmConfigurationAlias(@Param('realm') realm: string): Promise<{ url: string; statusCode: number }> {
    return { url: `${(await this.realm(realm)).issuer}/.well-known/openid-configuration`, statusCode: 308 };
  }

  /**
   * What a realm's clients can ask for: its APIs' scopes and Gatehouse's own, except those that act
   * across organizations (only the root client, of the built-in organization, is meant to hold
   * them). RFC 8414 lets a server leave supported scopes out; it must not list one no client can get.
   */
  private async realmScopes(organization: OrganizationRecord): Promise<string[]> {
    const gatehouseScopes = new Set(organization.builtIn ? this.scopes.names() : this.scopes.organizationNames());
    return (await this.catalog.all(organization.id)).filter((scope) => scope.api !== undefined || gatehouseScopes.has(scope.name)).map((scope) => scope.name);
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
      endSession: `${this.config.issuer}/oauth2/logout`,
      registration: `${this.config.issuer}${REGISTRATION_ENDPOINT_PATH}`,
      pushedAuthorizationRequest: `${this.config.issuer}${PUSHED_AUTHORIZATION_REQUEST_ENDPOINT_PATH}`,
      deviceAuthorization: `${this.config.issuer}${DEVICE_AUTHORIZATION_ENDPOINT_PATH}`,
    },
    scopes: readonly string[] = this.scopes.names(),
    // RFC 9126 §5: true when every request must be pushed. A realm's says its organization's setting; the server-wide
    // endpoints serve every organization's clients, so theirs is false (a client's own setting is in its registration).
    requirePushedAuthorizationRequests = false,
  ): AuthorizationServerMetadataDto {
    // Every client-authenticated endpoint takes every method through one guard (ClientAuthenticationGuard);
    // `none` (a public client) is refused at introspection, which is for resource servers.
    const clientAuthMethods = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'];
    return {
      issuer,
      authorization_endpoint: endpoints.authorization,
      token_endpoint: endpoints.token,
      userinfo_endpoint: endpoints.userinfo,
      jwks_uri: endpoints.jwks,
      introspection_endpoint: endpoints.introspection,
      introspection_endpoint_auth_methods_supported: clientAuthMethods,
      introspection_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGORITHMS],
      revocation_endpoint: endpoints.revocation,
      end_session_endpoint: endpoints.endSession,
      registration_endpoint: endpoints.registration,
      pushed_authorization_request_endpoint: endpoints.pushedAuthorizationRequest,
      require_pushed_authorization_requests: requirePushedAuthorizationRequests,
      device_authorization_endpoint: endpoints.deviceAuthorization,
      revocation_endpoint_auth_methods_supported: [...clientAuthMethods, 'none'],
      revocation_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGORITHMS],
      grant_types_supported: this.tokens.grantTypes,
      token_endpoint_auth_methods_supported: [...clientAuthMethods, 'none'],
      token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_SIGNING_ALGORITHMS],
      scopes_supported: [...scopes],
      response_types_supported: ['code'],
      response_modes_supported: [...RESPONSE_MODES],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
      // RS256 (the default, which OpenID Connect Discovery requires) and every algorithm a client may choose.
      id_token_signing_alg_values_supported: this.keys.idTokenAlgorithms(),
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'email', 'email_verified', 'name'],
      prompt_values_supported: ['none', 'login', 'consent'],
      authorization_response_iss_parameter_supported: true,
      // Said outright: OpenID Connect Discovery reads an absent request_uri_parameter_supported as true.
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      access_token_signing_alg_values_supported: this.keys.accessTokenAlgorithms(),
      // RFC 9449 §5.1: DPoP proofs are taken at the token endpoint and on Gatehouse's own API.
      dpop_signing_alg_values_supported: [...DPOP_ALGORITHMS],
      service_documentation: `${this.config.issuer}/docs`,
    };
  }
}
