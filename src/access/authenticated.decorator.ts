import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOAuth2, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OAuthErrorDto } from '../common/dto/error.dto.js';
import { type RouteRule } from './access-rule.js';
import { REQUIRED_SCOPE, ROUTE_RULE } from './required-scope.js';
import { declareAccess } from './route-access.js';

/** Name of the OAuth2 security scheme in the OpenAPI document. */
export const OAUTH2_SECURITY_SCHEME = 'oauth2';

/**
 * A route that needs a valid bearer access token carrying `scope`, acting on what `reach` names.
 * One decorator sets the rule that the bearer guard (registered globally by AuthModule, acting on
 * every route that carries this rule) and the access policy enforce, that the scope registry
 * lists, and the OpenAPI security and error responses, so none of them can be forgotten. It sets
 * metadata only, so that this module depends on no domain module and every module can use it.
 */
export function Authenticated(options: RouteRule): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPE, options.scope),
    SetMetadata(ROUTE_RULE, { scope: options.scope, reach: options.reach } satisfies RouteRule),
    declareAccess({ kind: 'bearer' }),
    ApiOAuth2([options.scope.name], OAUTH2_SECURITY_SCHEME),
    ApiUnauthorizedResponse({ type: OAuthErrorDto, description: 'Missing, invalid or expired access token (`WWW-Authenticate: Bearer`)' }),
    ApiForbiddenResponse({
      type: OAuthErrorDto,
      description: `The access token lacks the scope \`${options.scope.name}\` (\`insufficient_scope\`); or the access policy refuses this caller this target, answered as \`{statusCode, error, message}\` (see the README's "Who may do what")`,
    }),
  );
}
