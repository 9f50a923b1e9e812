import { AccessPolicy } from '../access/access-policy.js';
import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf } from '../audit/actor.js';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { CreatedPersonalAccessTokenDto, CreatePersonalAccessTokenDto, PersonalAccessTokenDto } from './dto/personal-access-token.dto.js';
import { PersonalAccessTokenScopes } from '../scopes/personal-access-token.scopes.js';
import { PersonalAccessTokensService, type TokenOwner } from './personal-access-tokens.service.js';

/** A signed-in user's own tokens, through the API (a user token from the authorization code flow), bounded by that token. */
function ownerOf(policy: AccessPolicy, auth: AuthContext): TokenOwner {
  return { userId: policy.checkSelf(auth, 'Personal access tokens'), defaultOrganizationId: auth.organizationId, caller: auth };
}

@ApiTags('users')
@Controller('api/v1/users/me/tokens')
export class PersonalAccessTokensController {
  constructor(
    private readonly tokens: PersonalAccessTokensService,
    private readonly policy: AccessPolicy,
  ) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @Authenticated({ scope: PersonalAccessTokenScopes.manage, reach: 'self' })
  @ApiOperation({ summary: 'Create a personal access token', description: 'Returns the token: the only time it is shown.' })
  @ApiCreatedResponse({ type: CreatedPersonalAccessTokenDto })
  create(@Auth() auth: AuthContext, @Body() dto: CreatePersonalAccessTokenDto): Promise<CreatedPersonalAccessTokenDto> {
    return this.tokens.create(ownerOf(this.policy, auth), actorOf(auth), dto);
  }

  @Get()
  @Authenticated({ scope: PersonalAccessTokenScopes.manage, reach: 'self' })
  @ApiOperation({ summary: "List the caller's personal access tokens (never the tokens themselves)" })
  @ApiOkResponse({ type: [PersonalAccessTokenDto] })
  list(@Auth() auth: AuthContext): Promise<PersonalAccessTokenDto[]> {
    return this.tokens.list(ownerOf(this.policy, auth).userId);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scope: PersonalAccessTokenScopes.manage, reach: 'self' })
  @ApiOperation({ summary: 'Revoke a personal access token', description: 'Refused at once, on every server process within CHANGE_FEED_POLL_MS.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  revoke(@Auth() auth: AuthContext, @Param('id', new ParseUUIDPipe({ version: '4' })) id: string): Promise<void> {
    return this.tokens.revoke(ownerOf(this.policy, auth).userId, id, actorOf(auth));
  }
}
