import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { SigningKeyService } from '../keys/signing-key.service.js';
import { ScopeRegistry } from '../scopes/scope-registry.js';
import { AuthorizationServerMetadataDto, JwksDto } from './dto/discovery.dto.js';
import { TOKEN_ENDPOINT_PATH } from './tokens.controller.js';
import { TokensService } from './tokens.service.js';

export const JWKS_PATH = '/.well-known/jwks.json';

/** RFC 8414 / OpenID Connect Discovery metadata and the JWKS that resource servers verify tokens with. */
@ApiTags('oauth')
@Controller()
export class DiscoveryController {
  constructor(
    private readonly config: GatehouseConfig,
    private readonly keys: SigningKeyService,
    private readonly scopes: ScopeRegistry,
    private readonly tokens: TokensService,
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

  private metadata(): AuthorizationServerMetadataDto {
    const issuer = this.config.issuer;
    return {
      issuer,
      token_endpoint: `${issuer}${TOKEN_ENDPOINT_PATH}`,
      jwks_uri: `${issuer}${JWKS_PATH}`,
      grant_types_supported: this.tokens.grantTypes,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: this.scopes.names(),
      response_types_supported: [],
      access_token_signing_alg_values_supported: [this.config.signingAlgorithm],
      service_documentation: `${issuer}/docs`,
    };
  }
}
