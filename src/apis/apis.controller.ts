import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { PageQueryDto } from '../common/dto/page.dto.js';
import { ApiScopes } from '../scopes/api.scopes.js';
import { ApisService } from './apis.service.js';
import { ApiDto, ApiPageDto, CreateApiDto, UpdateApiDto } from './dto/api.dto.js';

const apiId = ApiParam({ name: 'id', format: 'uuid' });

@ApiTags('apis')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid body, query or id' })
@Controller('api/v1/apis')
export class ApisController {
  constructor(private readonly apis: ApisService) {}

  @Post()
  @Authenticated({ scope: ApiScopes.create, reach: 'organization' })
  @ApiOperation({
    summary: 'Register an API (resource server) and its scopes',
    description: "The identifier becomes the `aud` of the API's tokens. Its scopes can then be given to the organization's clients, and are listed by GET /api/v1/oauth/scope.",
  })
  @ApiCreatedResponse({ type: ApiDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'The named organization does not exist or is not the caller’s' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The identifier, or a scope name, is taken by another API of the organization' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateApiDto): Promise<ApiDto> {
    return this.apis.create(auth, dto);
  }

  @Get()
  @Authenticated({ scope: ApiScopes.read, reach: 'organization' })
  @ApiOperation({ summary: "List the organization's APIs, oldest first (the root client sees every organization's)" })
  @ApiOkResponse({ type: ApiPageDto })
  list(@Auth() auth: AuthContext, @Query() query: PageQueryDto): Promise<ApiPageDto> {
    return this.apis.list(auth, query);
  }

  @Get(':id')
  @Authenticated({ scope: ApiScopes.read, reach: 'organization' })
  @ApiOperation({ summary: 'Read an API' })
  @apiId
  @ApiOkResponse({ type: ApiDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  get(@Auth() auth: AuthContext, @Param('id', ParseUUIDPipe) id: string): Promise<ApiDto> {
    return this.apis.get(auth, id);
  }

  @Patch(':id')
  @Authenticated({ scope: ApiScopes.update, reach: 'organization' })
  @ApiOperation({
    summary: 'Change an API',
    description: 'Fields left out keep their value; `scopes` replaces the whole list. A scope left out is taken from every client holding it, which needs the caller to hold it.',
  })
  @apiId
  @ApiOkResponse({ type: ApiDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'A removed scope is held by clients and not by the caller' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The identifier, or a scope name, is taken by another API of the organization' })
  update(@Auth() auth: AuthContext, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateApiDto): Promise<ApiDto> {
    return this.apis.update(auth, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ scope: ApiScopes.delete, reach: 'organization' })
  @ApiOperation({ summary: 'Delete an API', description: 'Its scopes are taken from every client holding them, which needs the caller to hold them.' })
  @apiId
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'Its scopes are held by clients and not by the caller' })
  delete(@Auth() auth: AuthContext, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.apis.delete(auth, id);
  }
}
