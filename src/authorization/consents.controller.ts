import { Controller, Delete, Get, HttpCode, NotFoundException, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessPolicy } from '../access/access-policy.js';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { actorOf } from '../audit/actor.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { ConsentScopes } from '../scopes/consent.scopes.js';
import { Consents } from './consents.js';
import { ConsentDto } from './dto/consent.dto.js';

/**
 * The apps a signed-in user allowed, through the API (the account page's list, for the console
 * and any app the user lets manage them): a user token's own consents only.
 */
@ApiTags('users')
@Controller('api/v1/users/me/consents')
export class ConsentsController {
  constructor(
    private readonly consents: Consents,
    private readonly policy: AccessPolicy,
  ) {}

  @Get()
  @Authenticated({ scope: ConsentScopes.manage, reach: 'self' })
  @ApiOperation({ summary: 'List the apps the caller allowed, most recently allowed first' })
  @ApiOkResponse({ type: [ConsentDto] })
  async list(@Auth() auth: AuthContext): Promise<ConsentDto[]> {
    return (await this.consents.list(this.policy.checkSelf(auth, 'Consents'))).map(ConsentDto.from);
  }

  @Delete(':client_id')
  @HttpCode(204)
  @Authenticated({ scope: ConsentScopes.manage, reach: 'self' })
  @ApiOperation({
    summary: 'Take back what the caller allowed an app',
    description: "The consent goes, with the app's unredeemed codes and its refresh tokens (and their access tokens) for the caller; the app must ask again.",
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'The caller has not allowed this app' })
  async revoke(@Auth() auth: AuthContext, @Param('client_id') clientId: string): Promise<void> {
    const userId = this.policy.checkSelf(auth, 'Consents');
    // A client id is at most 64 characters: a longer one names no app.
    if (clientId.length > 64 || !(await this.consents.revoke(userId, clientId, actorOf(auth)))) throw new NotFoundException('You have not allowed this app, or already took the access back');
  }
}
