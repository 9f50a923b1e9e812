import { Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { OrganizationDirectory } from '../organizations/organization-directory.js';
import { UserDirectory } from '../users/user-directory.js';
import { InvalidToken } from '../common/errors/oauth-errors.js';
import { IdentityScopes } from '../scopes/identity.scopes.js';
import { REALM_PATHS } from '../organizations/realm-paths.js';
import { identityClaims } from './id-token.issuer.js';
import { BrowserCors } from '../common/http/cors.js';

/** Polar's API paths for the same endpoint, left out of /docs: the canonical operation names them. */
export const USERINFO_ALIASES = ['/api/v1/oauth2/userinfo', '/v1/oauth2/userinfo'];
const PATHS = ['/oauth2/userinfo', ...USERINFO_ALIASES, ...REALM_PATHS.map((realm) => `${realm}/protocol/openid-connect/userinfo`)];

/** OpenID Connect userinfo (Core §5.3), at Polar's path and each realm's Keycloak path. */
@ApiTags('tokens')
@Controller()
@BrowserCors('caller')
export class UserinfoController {
  constructor(
    private readonly users: UserDirectory,
    private readonly organizations: OrganizationDirectory,
    private readonly policy: AccessPolicy,
  ) {}

  @Get(PATHS)
  @Header('Cache-Control', 'no-store')
  @Authenticated({ scope: IdentityScopes.openid, reach: 'self' })
  @ApiOperation({ summary: 'Claims about the signed-in user (OpenID Connect userinfo)', description: `\`sub\`, plus \`email\` and \`email_verified\` with the \`email\` scope and \`name\` with \`profile\`. Only for tokens issued to a user. Also at Polar's paths ${USERINFO_ALIASES.map((path) => `\`${path}\``).join(' and ')}.` })
  @ApiOkResponse({ schema: { type: 'object', example: { sub: '0b7e…', email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace' } } })
  get(@Auth() auth: AuthContext, @Param('realm') realm: string | undefined): Promise<Record<string, unknown>> {
    return this.claims(auth, realm);
  }

  @Post(PATHS)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Authenticated({ scope: IdentityScopes.openid, reach: 'self' })
  @ApiOperation({ summary: 'Userinfo by POST (OpenID Connect Core §5.3.1)' })
  post(@Auth() auth: AuthContext, @Param('realm') realm: string | undefined): Promise<Record<string, unknown>> {
    return this.claims(auth, realm);
  }

  /** On a realm's path, only that realm's tokens get an answer. */
  private async claims(auth: AuthContext, realm: string | undefined): Promise<Record<string, unknown>> {
    const realmOrganizationId = realm === undefined ? null : (await this.organizations.findByName(realm))?.id;
    const user = await this.users.find(this.policy.checkUserinfo(auth, realmOrganizationId));
    if (!user) throw new InvalidToken('The user this token was issued to is deleted');
    return identityClaims(user, auth.scopes);
  }
}
