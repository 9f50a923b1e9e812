import { applyDecorators, Controller, Header, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBadRequestResponse, ApiBasicAuth, ApiBody, ApiConsumes, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OAuthErrorDto } from '../common/dto/error.dto.js';
import { OAUTH_ENDPOINT } from '../common/errors/http-error.filter.js';
import { RATE_LIMITED } from '../common/http/rate-limit.js';
import { ClientAuthenticationGuard, type TokenEndpointRequest } from './client-authentication.guard.js';
import { TokenRequestDto } from './dto/token-request.dto.js';
import { TokenResponseDto } from './dto/token-response.dto.js';
import { TokensService } from './tokens.service.js';

export const TOKEN_ENDPOINT_PATH = '/api/v1/oauth/token';
/** Keycloak's paths, with and without the `/auth` prefix older Keycloak versions use. */
export const REALM_PATHS = ['auth/realms/:realm', 'realms/:realm'];

/**
 * What every token endpoint is: 200 on success, RFC 6749 errors, never cached, the client
 * authenticated first, form or JSON body or HTTP Basic.
 */
function TokenEndpoint(path: string | string[]): MethodDecorator {
  return applyDecorators(
    Post(path),
    HttpCode(200),
    RouteConfig({ ...OAUTH_ENDPOINT, ...RATE_LIMITED }),
    Header('Cache-Control', 'no-store'),
    Header('Pragma', 'no-cache'),
    UseGuards(ClientAuthenticationGuard),
    ApiConsumes('application/x-www-form-urlencoded', 'application/json'),
    ApiBasicAuth('client_secret_basic'),
    ApiBody({ type: TokenRequestDto }),
    ApiOkResponse({ type: TokenResponseDto }),
    ApiTooManyRequestsResponse({ type: OAuthErrorDto, description: 'Per-IP rate limit (`temporarily_unavailable`) or a client locked out after repeated failures (`invalid_client`), with `Retry-After`' }),
  );
}

@ApiTags('oauth')
@Controller()
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @TokenEndpoint(TOKEN_ENDPOINT_PATH)
  @ApiOperation({
    summary: 'Get an access token (client credentials grant)',
    description: 'Client credentials go in the body (form or JSON) or in HTTP Basic. Errors follow RFC 6749 §5.2.',
  })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: '`invalid_request`, `unsupported_grant_type` or `invalid_scope`' })
  @ApiUnauthorizedResponse({ type: OAuthErrorDto, description: '`invalid_client` (with `WWW-Authenticate: Basic` when HTTP Basic was used)' })
  token(@Req() request: TokenEndpointRequest): Promise<TokenResponseDto> {
    return this.tokens.exchange(request.client!, request.tokenRequest!);
  }

  @TokenEndpoint(REALM_PATHS.map((realm) => `${realm}/protocol/openid-connect/token`))
  @ApiOperation({
    summary: "Get an access token from an organization's realm (Keycloak path)",
    description:
      'As `/api/v1/oauth/token`, for clients of organization `{realm}` only; the token carries the realm issuer. ' +
      '`scope=project-{id}` gives a project-scoped token. 400 `unauthorized_client` while the organization has OAuth disabled.',
  })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: '`invalid_request`, `unsupported_grant_type`, `invalid_scope` or `unauthorized_client`' })
  @ApiUnauthorizedResponse({ type: OAuthErrorDto, description: '`invalid_client`, also for a client of another realm' })
  @ApiNotFoundResponse({ type: OAuthErrorDto, description: 'No such realm' })
  realmToken(@Req() request: TokenEndpointRequest): Promise<TokenResponseDto> {
    return this.tokens.exchange(request.client!, request.tokenRequest!, request.realm);
  }
}
