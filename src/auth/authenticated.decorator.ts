import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOAuth2, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OAuthErrorDto } from '../common/dto/error.dto.js';
import { type ScopeDefinition } from '../scopes/scope-definition.js';
import { BearerTokenGuard } from './bearer-token.guard.js';
import { REQUIRED_SCOPE } from './required-scope.js';

/** Name of the OAuth2 security scheme in the OpenAPI document. */
export const OAUTH2_SECURITY_SCHEME = 'oauth2';

/**
 * A route that needs a valid bearer access token carrying `scope`. One decorator sets the guard,
 * the scope the guard checks (and the scope registry lists), and the OpenAPI security and error
 * responses, so none of them can be forgotten.
 */
export function Authenticated(options: { scope: ScopeDefinition }): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPE, options.scope),
    UseGuards(BearerTokenGuard),
    ApiOAuth2([options.scope.name], OAUTH2_SECURITY_SCHEME),
    ApiUnauthorizedResponse({ type: OAuthErrorDto, description: 'Missing, invalid or expired access token (`WWW-Authenticate: Bearer`)' }),
    ApiForbiddenResponse({ type: OAuthErrorDto, description: `The access token lacks the scope \`${options.scope.name}\` (\`insufficient_scope\`)` }),
  );
}
