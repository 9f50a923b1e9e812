import { Controller } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type ClientRecord } from '../clients/client-directory.js';
import { OAuthErrorDto } from '../common/dto/error.dto.js';
import { type OrganizationRecord } from '../organizations/organization-directory.js';
import { AuthenticatedClient, CalledRealm, ClientCallParameters } from './authenticated-client.js';
import { ClientAuthenticatedEndpoint, REALM_PATHS } from './client-authenticated-endpoint.decorator.js';
import { DeviceAuthorizationResponseDto } from './dto/device-authorization-response.dto.js';
import { type TokenRequestParams } from './token-request.js';
import { TokensService } from './tokens.service.js';

export const DEVICE_AUTHORIZATION_ENDPOINT_PATH = '/api/v1/oauth/device_authorization';
/** A realm's, at Keycloak's path (relative to the realm's issuer). */
export const REALM_DEVICE_AUTHORIZATION_PATH = '/protocol/openid-connect/auth/device';

const ERRORS =
  '`invalid_request`, `invalid_scope` (also when the client holds no scope of the `resource` named), `invalid_target` (a `resource` that is not an absolute URI, not one of the organization\'s APIs nor Gatehouse\'s audience, or scopes asked for of another API), ' +
  'or `unauthorized_client` (the client\'s `grant_types` lack `urn:ietf:params:oauth:grant-type:device_code`, or its organization has OAuth disabled)';

/** RFC 8628 §3.1: where a command-line tool (usually a public client) asks for a device code and a user code. */
@ApiTags('token')
@Controller()
export class DeviceAuthorizationController {
  constructor(private readonly tokens: TokensService) {}

  @ClientAuthenticatedEndpoint(DEVICE_AUTHORIZATION_ENDPOINT_PATH, {})
  @ApiOperation({
    summary: 'Start the device authorization grant (RFC 8628)',
    description:
      'For a device or command-line tool: answers a `device_code` to poll the token endpoint with (grant_type `urn:ietf:params:oauth:grant-type:device_code`) and a `user_code` the user enters at `verification_uri`. ' +
      '`scope` (optional) names scopes the client holds; without it, all of them. ' +
      "`resource` (RFC 8707, optional; or `audience`) names the one API the grant is for, as at the authorization endpoint: the identifier of one of the organization's APIs, or Gatehouse's audience. " +
      "The request then asks for that API's scopes and the identity scopes only, the /device page names the API, and the tokens and the refresh token are for it alone (a token request naming another resource is `invalid_target`). " +
      'A public client sends `client_id` alone.',
  })
  @ApiOkResponse({ type: DeviceAuthorizationResponseDto })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: ERRORS })
  async authorize(@AuthenticatedClient() client: ClientRecord, @ClientCallParameters() params: TokenRequestParams): Promise<DeviceAuthorizationResponseDto> {
    return this.tokens.startDeviceAuthorization(client, params);
  }

  @ClientAuthenticatedEndpoint(REALM_PATHS.map((realm) => `${realm}${REALM_DEVICE_AUTHORIZATION_PATH}`), {})
  @ApiOperation({ summary: "Start the device authorization grant in an organization's realm (Keycloak path)", description: 'As `/api/v1/oauth/device_authorization`, for clients of organization `{realm}` only; the tokens carry the realm issuer.' })
  @ApiOkResponse({ type: DeviceAuthorizationResponseDto })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: ERRORS })
  @ApiNotFoundResponse({ type: OAuthErrorDto, description: 'No such realm' })
  async realmAuthorize(@AuthenticatedClient() client: ClientRecord, @ClientCallParameters() params: TokenRequestParams, @CalledRealm() realm: OrganizationRecord | undefined): Promise<DeviceAuthorizationResponseDto> {
    return this.tokens.startDeviceAuthorization(client, params, realm);
  }
}
