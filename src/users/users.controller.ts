import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { PageQueryDto } from '../common/dto/page.dto.js';
import { CreateUserDto, ResendInvitationDto, SetMembershipDto, UpdateUserDto, UserDto, UserPageDto } from './dto/user.dto.js';
import { UserScopes } from '../scopes/user.scopes.js';
import { UsersService } from './users.service.js';

const userId = new ParseUUIDPipe({ version: '4' });


@ApiTags('users')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid body, query or user id' })
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Authenticated({ scope: UserScopes.create, reach: 'organization' })
  @ApiOperation({
    summary: 'Create a user in an organization, or invite them',
    description:
      'The root client creates the account with an active membership. Anyone else invites: the membership is `invited`, and gives nothing, until the account holder accepts it with the one-time code of `invitation_url` (POST /api/v1/users/me/invitations/{organization}/accept), which only this answer shows: pass the link on to them. The answer is the same whether the email had an account or not; an existing account keeps its password.',
  })
  @ApiCreatedResponse({ type: UserDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The email is in the organization already, invited or not (for the root client: the email has an account)' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'The role is one the caller does not hold' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(auth, dto);
  }

  @Get()
  @Authenticated({ scope: UserScopes.read, reach: 'organization' })
  @ApiOperation({ summary: "List the organization's users, newest first" })
  @ApiOkResponse({ type: UserPageDto })
  list(@Auth() auth: AuthContext, @Query() query: PageQueryDto): Promise<UserPageDto> {
    return this.users.list(auth, query);
  }

  @Get(':id')
  @Authenticated({ scope: UserScopes.read, reach: 'organization' })
  @ApiOperation({ summary: 'Read a user' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  get(@Auth() auth: AuthContext, @Param('id', userId) id: string): Promise<UserDto> {
    return this.users.get(auth, id);
  }

  @Patch(':id')
  @Authenticated({ scope: UserScopes.update, reach: 'organization' })
  @ApiOperation({ summary: 'Update a user', description: "A new password or `disabled: true` ends the user's sessions and refuses their tokens at once." })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  update(@Auth() auth: AuthContext, @Param('id', userId) id: string, @Body() dto: UpdateUserDto): Promise<UserDto> {
    return this.users.update(auth, id, dto);
  }

  @Put(':id/organizations/:org')
  @Authenticated({ scope: UserScopes.update, reach: 'organization' })
  @ApiOperation({ summary: "Put a user in an organization with a role, or change their role there", description: 'Only the root client can add a user of another organization. Nobody grants a role they do not hold.' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  setMembership(@Auth() auth: AuthContext, @Param('id', userId) id: string, @Param('org') organization: string, @Body() dto: SetMembershipDto): Promise<UserDto> {
    return this.users.setMembership(auth, id, organization, dto.role);
  }

  @Post(':id/invitation')
  @HttpCode(200)
  @Authenticated({ scope: UserScopes.create, reach: 'organization' })
  @ApiOperation({
    summary: "Send a pending invitation again: a new one-time code",
    description: "For the organization's administrators (the root client names the organization). The answer's `invitation_url` carries the new code, shown this once; the old code stops working.",
  })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The user accepted the invitation already' })
  resendInvitation(@Auth() auth: AuthContext, @Param('id', userId) id: string, @Body() dto: ResendInvitationDto): Promise<UserDto> {
    return this.users.resendInvitation(auth, id, dto.organization);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scope: UserScopes.delete, reach: 'organization' })
  @ApiOperation({ summary: 'Remove a user from the organization', description: 'A user left in no organization is deleted, with their sessions, consents and refresh tokens.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  delete(@Auth() auth: AuthContext, @Param('id', userId) id: string): Promise<void> {
    return this.users.delete(auth, id);
  }
}
