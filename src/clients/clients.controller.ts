import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { ClientListQueryDto } from './dto/client-list-query.dto.js';
import { ClientIdPipe } from '../common/pipes/client-id.pipe.js';
import { ClientScopes } from '../scopes/client.scopes.js';
import { ClientsService } from './clients.service.js';
import { ClientPageDto } from './dto/client-page.dto.js';
import { ClientCredentialsDto, ClientDto, LockoutStatusDto } from './dto/client.dto.js';
import { NotBeforeDto } from '../common/dto/not-before.dto.js';
import { CreateClientDto } from './dto/create-client.dto.js';
import { PermissionListPipe } from './dto/permission-list.pipe.js';
import { RegenerateSecretQueryDto } from './dto/regenerate-secret.dto.js';
import { ScopeListPipe } from './dto/scope-list.pipe.js';
import { UpdateClientDto } from './dto/update-client.dto.js';

const clientId = ApiParam({ name: 'client_id', example: '8d2c1f0b4e6a49f3a1d0' });

@ApiTags('clients')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid body, query or client id' })
@Controller('api/v1/oauth/client')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @Authenticated({ scope: ClientScopes.create, reach: 'organization' })
  @ApiOperation({ summary: 'Create a client', description: 'Returns the client secret: the only time it is shown.' })
  @ApiCreatedResponse({ type: ClientCredentialsDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'A requested scope is one the caller does not hold' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateClientDto): Promise<ClientCredentialsDto> {
    return this.clients.create(auth, dto);
  }

  @Get()
  @Authenticated({ scope: ClientScopes.read, reach: 'organization' })
  @ApiOperation({ summary: 'List clients, newest first by default (the root client is not listed)', description: '`search` keeps the clients whose id, name or description contains the text; `sort` and `order` order the page.' })
  @ApiOkResponse({ type: ClientPageDto })
  list(@Auth() auth: AuthContext, @Query() query: ClientListQueryDto): Promise<ClientPageDto> {
    return this.clients.list(auth, query);
  }

  @Get(':client_id')
  @Authenticated({ scope: ClientScopes.read, reach: 'organization' })
  @ApiOperation({ summary: 'Read a client' })
  @clientId
  @ApiOkResponse({ type: ClientDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  get(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string): Promise<ClientDto> {
    return this.clients.get(auth, id);
  }

  @Put(':client_id')
  @Authenticated({ scope: ClientScopes.update, reach: 'organization' })
  @ApiOperation({ summary: 'Update a client', description: 'Fields left out keep their value. `disabled: true` refuses its tokens at once.' })
  @clientId
  @ApiOkResponse({ type: ClientDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  update(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string, @Body() dto: UpdateClientDto): Promise<ClientDto> {
    return this.clients.update(auth, id, dto);
  }

  @Get(':client_id/scope')
  @Authenticated({ scope: ClientScopes.read, reach: 'organization' })
  @ApiOperation({ summary: "Read a client's scopes" })
  @clientId
  @ApiOkResponse({ type: [String] })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  getScopes(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string): Promise<string[]> {
    return this.clients.getScopes(auth, id);
  }

  @Put(':client_id/scope')
  @Authenticated({ scope: ClientScopes.update, reach: 'organization' })
  @ApiOperation({ summary: "Replace a client's scopes", description: 'The body is a JSON array of scope names.' })
  @clientId
  @ApiBody({ schema: { type: 'array', items: { type: 'string' }, example: ['policy:read', 'rule:read'] } })
  @ApiOkResponse({ type: [String] })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  setScopes(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string, @Body(ScopeListPipe) scopes: string[]): Promise<string[]> {
    return this.clients.setScopes(auth, id, scopes);
  }

  @Post(':client_id/secret')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Authenticated({ scope: ClientScopes.update, reach: 'organization' })
  @ApiOperation({
    summary: "Regenerate a client's secret",
    description: 'The old secret stops working at once, on every server. With `revoke_tokens=true` (the default) so do all tokens issued before; `revoke_tokens=false` lets them live out their lifespan, as Polaris does.',
  })
  @clientId
  @ApiOkResponse({ type: ClientCredentialsDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  regenerateSecret(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string, @Query() query: RegenerateSecretQueryDto): Promise<ClientCredentialsDto> {
    return this.clients.regenerateSecret(auth, id, query.revoke_tokens);
  }

  @Post(':client_id/not-before')
  @HttpCode(200)
  @Authenticated({ scope: ClientScopes.update, reach: 'organization' })
  @ApiOperation({ summary: "Push a client's not-before (Keycloak)", description: 'Every token the client was issued until now is refused, on every server within a second.' })
  @clientId
  @ApiOkResponse({ type: NotBeforeDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  pushNotBefore(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string): Promise<NotBeforeDto> {
    return this.clients.pushNotBefore(auth, id);
  }

  @Delete(':client_id')
  @HttpCode(204)
  @Authenticated({ scope: ClientScopes.delete, reach: 'organization' })
  @ApiOperation({ summary: 'Delete a client', description: 'Its tokens are refused from then on.' })
  @clientId
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  delete(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string): Promise<void> {
    return this.clients.delete(auth, id);
  }

  @Get(':client_id/lockout')
  @Authenticated({ scope: ClientScopes.read, reach: 'organization' })
  @ApiOperation({
    summary: "A client's brute-force lockouts on this instance",
    description:
      'Failed authentications count per client_id and source address: after BRUTE_FORCE_MAX_FAILURES that address is refused (429) for a growing wait (locked_addresses). They also count per client_id from all addresses: after BRUTE_FORCE_MAX_FAILURES_OVERALL only addresses that authenticated as the client recently are served until locked_until (locked). A third count, per source address over all ids (BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS), is not this client\'s and is neither shown nor cleared here.',
  })
  @clientId
  @ApiOkResponse({ type: LockoutStatusDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  getLockout(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string): Promise<LockoutStatusDto> {
    return this.clients.getLockout(auth, id);
  }

  @Delete(':client_id/lockout')
  @HttpCode(204)
  @Authenticated({ scope: ClientScopes.update, reach: 'organization' })
  @ApiOperation({ summary: "Clear a client's brute-force lockouts on this instance", description: 'Ends the overall lockout and those of every address, and resets the counts.' })
  @clientId
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  clearLockout(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string): Promise<void> {
    return this.clients.clearLockout(auth, id);
  }

  @Get(':client_id/permissions')
  @Authenticated({ scope: ClientScopes.read, reach: 'organization' })
  @ApiOperation({ summary: "Read a client's permissions" })
  @clientId
  @ApiOkResponse({ type: [String] })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  getPermissions(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string): Promise<string[]> {
    return this.clients.getPermissions(auth, id);
  }

  @Put(':client_id/permissions')
  @Authenticated({ scope: ClientScopes.update, reach: 'organization' })
  @ApiOperation({ summary: "Replace a client's permissions", description: 'A JSON array of permission names (see GET /api/v1/oauth/role); you can grant only permissions you hold.' })
  @clientId
  @ApiBody({ schema: { type: 'array', items: { type: 'string' }, example: ['administer-clients'] } })
  @ApiOkResponse({ type: [String] })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  setPermissions(@Auth() auth: AuthContext, @Param('client_id', ClientIdPipe) id: string, @Body(PermissionListPipe) permissions: string[]): Promise<string[]> {
    return this.clients.setPermissions(auth, id, permissions);
  }
}
