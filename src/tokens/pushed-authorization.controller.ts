import { Controller } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PushedAuthorizationService } from '../authorization/pushed-authorization.service.js';
import { type ClientRecord } from '../clients/client-directory.js';
import { BrowserCors } from '../common/http/cors.js';
import { OAuthErrorDto } from '../common/dto/error.dto.js';
import { type OrganizationRecord } from '../organizations/organization-directory.js';
import { AuthenticatedClient, CalledRealm, ClientCallParameters } from './authenticated-client.js';
import { ClientAuthenticatedEndpoint, REALM_PATHS } from './client-authenticated-endpoint.decorator.js';
import { PushedAuthorizationRequestDto, PushedAuthorizationResponseDto } from './dto/pushed-authorization.dto.js';
import { type TokenRequestParams } from './token-request.js';

export const PUSHED_AUTHORIZATION_REQUEST_ENDPOINT_PATH = '/api/v1/oauth/par';
/** A realm's PAR endpoint, under its issuer: Keycloak's path. */
export const REALM_PUSHED_AUTHORIZATION_REQUEST_PATH = '/protocol/openid-connect/ext/par/request';

/** Pushed Authorization Requests (RFC 9126), server-wide and at each realm's Keycloak path. */
@ApiTags('token')
@Controller()
export class PushedAuthorizationController {
  constructor(private readonly intake: PushedAuthorizationService) {}

  // A single-page app (a public client) pushes its request from its own origin, as it calls the token endpoint.
  @BrowserCors('caller')
  @ClientAuthenticatedEndpoint([PUSHED_AUTHORIZATION_REQUEST_ENDPOINT_PATH, ...REALM_PATHS.map((realm) => `${realm}${REALM_PUSHED_AUTHORIZATION_REQUEST_PATH}`)], { requiredParameter: 'response_type', status: 201 })
  @ApiOperation({
    summary: 'Push an authorization request (RFC 9126 PAR)',
    description:
      'The client sends the authorization request\'s parameters here, authenticated as at the token endpoint (a public client by `client_id` alone), and gets a `request_uri` to send to the authorization endpoint with its `client_id`. ' +
      'The request is checked by the authorization endpoint\'s rules; `request` (a request object) is refused with `request_not_supported`. ' +
      'The request_uri is single use and expires after `expires_in` seconds; at `/auth/realms/{realm}/protocol/openid-connect/ext/par/request` for a realm\'s clients, whose authorization endpoint alone accepts it.',
  })
  @ApiBody({ type: PushedAuthorizationRequestDto })
  @ApiCreatedResponse({ type: PushedAuthorizationResponseDto })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: '`invalid_request` (a missing or unregistered redirect_uri, PKCE missing for a public client, a pushed `request_uri`, …), `invalid_scope`, `unauthorized_client`, `unsupported_response_type`, `request_not_supported`, `invalid_target`' })
  @ApiNotFoundResponse({ type: OAuthErrorDto, description: 'No such realm' })
  push(@AuthenticatedClient() client: ClientRecord, @ClientCallParameters() params: TokenRequestParams, @CalledRealm() realm: OrganizationRecord | undefined): Promise<PushedAuthorizationResponseDto> {
    return this.intake.push(client, params, realm);
  }
}
