import { Controller, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { clientActor } from '../audit/actor.js';
import { OAuthErrorDto } from '../common/dto/error.dto.js';
import { ClientAuthenticatedEndpoint, REALM_PATHS } from './client-authenticated-endpoint.decorator.js';
import { type ClientRecord } from '../clients/client-directory.js';
import { AuthenticatedClient, ClientCallParameters } from './authenticated-client.js';
import { IntrospectionResponseDto, TokenParameterDto } from './dto/introspection.dto.js';
import { TokenIntrospection } from './token-introspection.service.js';
import { type TokenRequestParams } from './token-request.js';
import { TokenRevocation } from './token-revocation.service.js';
import { TokenScopes } from '../scopes/token.scopes.js';
import { BrowserCors } from '../common/http/cors.js';

export const INTROSPECTION_ENDPOINT_PATH = '/api/v1/oauth/introspect';
export const REVOCATION_ENDPOINT_PATH = '/api/v1/oauth/revoke';
/** Polar's paths for the same endpoints, left out of /docs: the canonical operations name them. */
export const INTROSPECTION_ENDPOINT_ALIASES = ['/v1/oauth2/introspect'];
export const REVOCATION_ENDPOINT_ALIASES = ['/v1/oauth2/revoke'];

/** Introspection (RFC 7662) and revocation (RFC 7009), on the Fides-style paths and on each realm's Keycloak paths. */
@ApiTags('tokens')
@Controller()
export class TokenLifecycleController {
  constructor(
    private readonly introspection: TokenIntrospection,
    private readonly revocation: TokenRevocation,
  ) {}

  @ClientAuthenticatedEndpoint([INTROSPECTION_ENDPOINT_PATH, ...INTROSPECTION_ENDPOINT_ALIASES, ...REALM_PATHS.map((realm) => `${realm}/protocol/openid-connect/token/introspect`)], {
    requiredParameter: 'token',
    scope: TokenScopes.introspect,
  })
  @ApiOperation({
    summary: 'Introspect an access token (RFC 7662)',
    description: 'For resource servers: the calling client needs `token:introspect`. Tokens of other organizations, and expired, revoked or malformed ones, are `{"active": false}`. Also at Polar\'s path `/v1/oauth2/introspect`.',
  })
  @ApiBody({ type: TokenParameterDto })
  @ApiOkResponse({ type: IntrospectionResponseDto })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: '`invalid_request` (no `token`)' })
  introspect(@AuthenticatedClient() client: ClientRecord, @ClientCallParameters() params: TokenRequestParams): Promise<IntrospectionResponseDto> {
    // The route's required parameter: the guard refused the call without it.
    return this.introspection.introspect(client, params.token!);
  }

  @BrowserCors('caller')
  @ClientAuthenticatedEndpoint([REVOCATION_ENDPOINT_PATH, ...REVOCATION_ENDPOINT_ALIASES, ...REALM_PATHS.map((realm) => `${realm}/protocol/openid-connect/revoke`)], { requiredParameter: 'token' })
  @ApiOperation({
    summary: 'Revoke an access token (RFC 7009)',
    description: 'A client revokes its own tokens; every server process refuses them within CHANGE_FEED_POLL_MS. Unknown, expired or already revoked tokens also get 200. Also at Polar\'s path `/v1/oauth2/revoke`.',
  })
  @ApiBody({ type: TokenParameterDto })
  @ApiOkResponse({ description: 'Revoked, or nothing to revoke' })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: '`invalid_request` (no `token`) or `unauthorized_client` (the token is another client\'s)' })
  revoke(@AuthenticatedClient() client: ClientRecord, @ClientCallParameters() params: TokenRequestParams, @Req() request: FastifyRequest): Promise<void> {
    return this.revocation.revoke(client, clientActor(client.id, request), params.token!);
  }
}
