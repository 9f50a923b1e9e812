import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../auth/auth-context.js';
import { Authenticated } from '../auth/authenticated.decorator.js';
import { UserDirectory } from '../auth/user-directory.js';
import { InvalidToken } from '../common/errors/oauth-errors.js';
import { IdentityScopes } from '../scopes/identity.scopes.js';
import { REALM_PATHS } from '../tokens/client-authenticated-endpoint.decorator.js';
import { identityClaims } from '../tokens/id-token.issuer.js';

const PATHS = ['/oauth2/userinfo', ...REALM_PATHS.map((realm) => `${realm}/protocol/openid-connect/userinfo`)];

/** OpenID Connect userinfo (Core §5.3), at Polar's path and each realm's Keycloak path. */
@ApiTags('oauth')
@Controller()
export class UserinfoController {
  constructor(private readonly users: UserDirectory) {}

  @Get(PATHS)
  @Header('Cache-Control', 'no-store')
  @Authenticated({ scope: IdentityScopes.openid })
  @ApiOperation({ summary: 'Claims about the signed-in user (OpenID Connect userinfo)', description: '`sub`, plus `email` and `email_verified` with the `email` scope and `name` with `profile`. Only for tokens issued to a user.' })
  @ApiOkResponse({ schema: { type: 'object', example: { sub: '0b7e…', email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace' } } })
  get(@Auth() auth: AuthContext): Promise<Record<string, unknown>> {
    return this.claims(auth);
  }

  @Post(PATHS)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Authenticated({ scope: IdentityScopes.openid })
  @ApiOperation({ summary: 'Userinfo by POST (OpenID Connect Core §5.3.1)' })
  post(@Auth() auth: AuthContext): Promise<Record<string, unknown>> {
    return this.claims(auth);
  }

  private async claims(auth: AuthContext): Promise<Record<string, unknown>> {
    if (auth.userId === undefined) throw new InvalidToken('userinfo needs an access token issued to a user, not to a client');
    const user = await this.users.find(auth.userId);
    if (!user) throw new InvalidToken('The user this token was issued to is deleted');
    return identityClaims(user, auth.scopes);
  }
}
