import { applyDecorators, Header, HttpCode, Post, SetMetadata, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBasicAuth, ApiConsumes, ApiForbiddenResponse, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { REQUIRED_SCOPE } from '../access/required-scope.js';
import { declareAccess } from '../access/route-access.js';
import { OAuthErrorDto } from '../common/dto/error.dto.js';
import { OAUTH_ENDPOINT } from '../common/errors/http-error.filter.js';
import { rateLimited } from '../common/http/rate-limit.js';
import { type ScopeDefinition } from '../scopes/scope-definition.js';
import { ClientAuthenticationGuard } from './client-authentication.guard.js';

/** Route metadata: the body parameter without which the request is `invalid_request`, checked before the client is authenticated. */
export const REQUIRED_PARAMETER = 'gatehouse:required-parameter';

export { REALM_PATHS } from '../organizations/realm-paths.js';

/**
 * What every endpoint a client calls with its own credentials is (token, introspection,
 * revocation, PAR): POST, 200 on success (or `status`), RFC 6749 errors, never cached, rate-limited per IP, the client
 * authenticated first (form or JSON body or HTTP Basic). `scope`, when given, is one the client
 * itself must hold (the scope registry lists it like any route's).
 */
export function ClientAuthenticatedEndpoint(path: string | string[], options: { requiredParameter?: string; scope?: ScopeDefinition; status?: 200 | 201 }): MethodDecorator {
  return applyDecorators(
    Post(path),
    HttpCode(options.status ?? 200),
    // Every path of the endpoint (aliases, realm prefixes) counts against one budget: the first path's.
    RouteConfig({ ...OAUTH_ENDPOINT, ...rateLimited(typeof path === 'string' ? path : path[0]!) }),
    Header('Cache-Control', 'no-store'),
    Header('Pragma', 'no-cache'),
    ...(options.requiredParameter !== undefined ? [SetMetadata(REQUIRED_PARAMETER, options.requiredParameter)] : []),
    ...(options.scope ? [SetMetadata(REQUIRED_SCOPE, options.scope), ApiForbiddenResponse({ type: OAuthErrorDto, description: `The client lacks the scope \`${options.scope.name}\`` })] : []),
    declareAccess({ kind: 'client' }),
    UseGuards(ClientAuthenticationGuard),
    ApiConsumes('application/x-www-form-urlencoded', 'application/json'),
    ApiBasicAuth('client_secret_basic'),
    ApiUnauthorizedResponse({ type: OAuthErrorDto, description: '`invalid_client` (with `WWW-Authenticate: Basic` when HTTP Basic was used), also for a client of another realm' }),
    ApiTooManyRequestsResponse({ type: OAuthErrorDto, description: 'Per-IP rate limit (`temporarily_unavailable`) or a client locked out after repeated failures (`invalid_client`), with `Retry-After`' }),
  );
}
