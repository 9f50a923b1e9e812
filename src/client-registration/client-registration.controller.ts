import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';
import { PublicRoute } from '../access/route-access.js';
import { OAuthErrorDto } from '../common/dto/error.dto.js';
import { OAUTH_ENDPOINT } from '../common/errors/http-error.filter.js';
import { rateLimited } from '../common/http/rate-limit.js';
import { ClientIdPipe } from '../common/pipes/client-id.pipe.js';
import { REALM_PATHS } from '../organizations/realm-paths.js';
import { type ClientInformation, ClientRegistrationService, type RegistrationRequest } from './client-registration.service.js';
import { REALM_REGISTRATION_PATH, REGISTRATION_ENDPOINT_PATHS, REGISTRATION_SECURITY_SCHEME } from './registration-paths.js';

const ENDPOINTS = [...REGISTRATION_ENDPOINT_PATHS, ...REALM_PATHS.map((realm) => `${realm}${REALM_REGISTRATION_PATH}`)];
const CLIENT_ENDPOINTS = ENDPOINTS.map((path) => `${path}/:client_id`);
/** RFC 6749 error bodies, and the per-address limit of the endpoints that take credentials (route config is read per method, not per controller). */
const REGISTRATION_ENDPOINT = { ...OAUTH_ENDPOINT, ...rateLimited('client registration') };
const METADATA = {
  schema: {
    type: 'object',
    example: { client_name: 'My app', redirect_uris: ['https://app.example.com/callback'], token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], scope: 'openid email' },
  },
};

function requestOf(request: FastifyRequest, realm: string | undefined): RegistrationRequest {
  return { authorization: request.headers.authorization, ip: request.ip, requestId: String(request.id), realm };
}

/**
 * Dynamic Client Registration (RFC 7591) and management (RFC 7592) at Polar's path and at each
 * realm's Keycloak path. The routes are public to the bearer guard because each authenticates
 * its caller in the service, with tokens the guard does not know (initial and registration
 * access tokens) or none at all (open registration).
 */
@ApiTags('client-registration')
@Controller()
@ApiBadRequestResponse({ type: OAuthErrorDto, description: '`invalid_client_metadata` or `invalid_redirect_uri` (RFC 7591 §3.2.2)' })
@ApiUnauthorizedResponse({ type: OAuthErrorDto, description: 'Missing or invalid token (`WWW-Authenticate: Bearer`)' })
@ApiTooManyRequestsResponse({ type: OAuthErrorDto, description: 'Per-address limit (`temporarily_unavailable`, `Retry-After`)' })
export class ClientRegistrationController {
  constructor(private readonly registration: ClientRegistrationService) {}

  @Post(ENDPOINTS)
  @RouteConfig(REGISTRATION_ENDPOINT)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @PublicRoute('Dynamic Client Registration (RFC 7591): authenticated in the service by a bearer token with client:create, an initial access token, or, where the organization allows open registration, nobody (public clients only, limited per address)')
  @ApiBearerAuth(REGISTRATION_SECURITY_SCHEME)
  @ApiOperation({ summary: 'Register a client (RFC 7591)', description: 'Authenticate with a personal access token or another access token holding client:create, or an initial access token; without a token only where the organization allows open registration (public clients). The response carries the client secret and the registration access token: the only time either is shown.' })
  @ApiBody(METADATA)
  @ApiCreatedResponse({ description: 'RFC 7591 §3.2.1 client information response' })
  register(@Req() request: FastifyRequest, @Param('realm') realm: string | undefined, @Body() body: Record<string, unknown>): Promise<ClientInformation> {
    return this.registration.register(requestOf(request, realm), body);
  }

  @Get(CLIENT_ENDPOINTS)
  @RouteConfig(REGISTRATION_ENDPOINT)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @PublicRoute("RFC 7592 read: authenticated in the service by the client's registration access token")
  @ApiBearerAuth(REGISTRATION_SECURITY_SCHEME)
  @ApiOperation({ summary: "Read a registered client's metadata (RFC 7592)" })
  @ApiOkResponse({ description: 'RFC 7592 §3 client information response (no secret)' })
  read(@Req() request: FastifyRequest, @Param('realm') realm: string | undefined, @Param('client_id', ClientIdPipe) clientId: string): Promise<ClientInformation> {
    return this.registration.read(requestOf(request, realm), clientId);
  }

  @Put(CLIENT_ENDPOINTS)
  @RouteConfig(REGISTRATION_ENDPOINT)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @PublicRoute("RFC 7592 update: authenticated in the service by the client's registration access token")
  @ApiBearerAuth(REGISTRATION_SECURITY_SCHEME)
  @ApiOperation({ summary: "Replace a registered client's metadata (RFC 7592)", description: 'The body holds every field (omitted ones are cleared) and `client_id`. The registration access token is rotated: the response carries the new one.' })
  @ApiBody(METADATA)
  @ApiOkResponse({ description: 'RFC 7592 §3 client information response with the new registration access token' })
  update(@Req() request: FastifyRequest, @Param('realm') realm: string | undefined, @Param('client_id', ClientIdPipe) clientId: string, @Body() body: Record<string, unknown>): Promise<ClientInformation> {
    return this.registration.update(requestOf(request, realm), clientId, body);
  }

  @Delete(CLIENT_ENDPOINTS)
  @HttpCode(204)
  @RouteConfig(REGISTRATION_ENDPOINT)
  @PublicRoute("RFC 7592 delete: authenticated in the service by the client's registration access token")
  @ApiBearerAuth(REGISTRATION_SECURITY_SCHEME)
  @ApiOperation({ summary: 'Delete a registered client (RFC 7592)', description: 'Its tokens are refused from then on.' })
  @ApiNoContentResponse()
  delete(@Req() request: FastifyRequest, @Param('realm') realm: string | undefined, @Param('client_id', ClientIdPipe) clientId: string): Promise<void> {
    return this.registration.delete(requestOf(request, realm), clientId);
  }
}
