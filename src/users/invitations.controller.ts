import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { AccessPolicy } from '../access/access-policy.js';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { actorOf } from '../audit/actor.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { UserScopes } from '../scopes/user.scopes.js';
import { InvitationDto } from './dto/invitation.dto.js';
import { AcceptInvitationDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

/**
 * The invitations a signed-in user received (an organization's administrator adding them: see
 * POST /api/v1/users), for the console and the account page: a user token's own only.
 */
@ApiTags('users')
@Controller('api/v1/users/me/invitations')
export class InvitationsController {
  constructor(
    private readonly users: UsersService,
    private readonly policy: AccessPolicy,
  ) {}

  @Get()
  @Authenticated({ scope: UserScopes.invitations, reach: 'self' })
  @ApiOperation({ summary: 'List the organizations that invited the caller, oldest invitation first' })
  @ApiOkResponse({ type: [InvitationDto] })
  list(@Auth() auth: AuthContext): Promise<InvitationDto[]> {
    return this.users.invitations(this.policy.checkSelf(auth, 'Invitations'));
  }

  @Post(':org/accept')
  @HttpCode(200)
  @Authenticated({ scope: UserScopes.invitations, reach: 'self' })
  @ApiOperation({
    summary: "Accept an organization's invitation with its one-time code",
    description: "The code (or the whole invitation link) that the organization's administrator passed on. The role it gives counts from now on: new tokens for the organization carry it. The code is spent; a wrong or expired one spends nothing.",
  })
  @ApiOkResponse({ type: InvitationDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'The organization has not invited the caller, or the code is wrong or expired' })
  @ApiTooManyRequestsResponse({ type: ApiErrorDto, description: 'Too many wrong codes for this account from this address' })
  accept(@Auth() auth: AuthContext, @Param('org') organization: string, @Body() dto: AcceptInvitationDto): Promise<InvitationDto> {
    return this.users.acceptInvitation(actorOf(auth), this.policy.checkSelf(auth, 'Invitations'), organization, dto.code);
  }

  @Delete(':org')
  @HttpCode(204)
  @Authenticated({ scope: UserScopes.invitations, reach: 'self' })
  @ApiOperation({ summary: "Decline an organization's invitation", description: 'An account then in no organization at all is deleted, as when its last membership is removed.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'The organization has not invited the caller' })
  decline(@Auth() auth: AuthContext, @Param('org') organization: string): Promise<void> {
    return this.users.declineInvitation(actorOf(auth), this.policy.checkSelf(auth, 'Invitations'), organization);
  }
}
