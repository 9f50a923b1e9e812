import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { ClientScopes } from '../scopes/client.scopes.js';
import { CreatedInitialAccessTokenDto, CreateInitialAccessTokenDto, InitialAccessTokenDto } from './dto/initial-access-token.dto.js';
import { InitialAccessTokensService } from './initial-access-tokens.service.js';

/** RFC 7591 initial access tokens: what lets someone without an account register clients in an organization. */
@ApiTags('client-registration')
@Controller('api/v1/oauth/registration-token')
export class InitialAccessTokensController {
  constructor(private readonly tokens: InitialAccessTokensService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @Authenticated({ scope: ClientScopes.create, reach: 'organization' })
  @ApiOperation({ summary: 'Issue an initial access token (RFC 7591)', description: 'Its bearer registers up to `max_uses` clients at the registration endpoint, in this organization, with at most its scopes, until it expires. Shown once.' })
  @ApiCreatedResponse({ type: CreatedInitialAccessTokenDto })
  create(@Auth() auth: AuthContext, @Body() dto: CreateInitialAccessTokenDto): Promise<CreatedInitialAccessTokenDto> {
    return this.tokens.create(auth, dto);
  }

  @Get()
  @Authenticated({ scope: ClientScopes.read, reach: 'organization' })
  @ApiOperation({ summary: 'List initial access tokens not revoked, newest first (never the tokens themselves)' })
  @ApiOkResponse({ type: [InitialAccessTokenDto] })
  list(@Auth() auth: AuthContext): Promise<InitialAccessTokenDto[]> {
    return this.tokens.list(auth);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scope: ClientScopes.delete, reach: 'organization' })
  @ApiOperation({ summary: 'Revoke an initial access token', description: 'Clients registered with it stay.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  revoke(@Auth() auth: AuthContext, @Param('id', new ParseUUIDPipe({ version: '4' })) id: string): Promise<void> {
    return this.tokens.revoke(auth, id);
  }
}
