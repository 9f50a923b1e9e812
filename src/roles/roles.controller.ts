import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { RoleScopes } from '../scopes/role.scopes.js';
import { ScopeScopes } from '../scopes/scope.scopes.js';
import { CreateRoleDto, RoleDto, RoleOrganizationQueryDto, UpdateRoleDto } from './dto/role.dto.js';
import { RolesService } from './roles.service.js';

const roleName = ApiParam({ name: 'name', example: 'order-manager' });

@ApiTags('roles')
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'Invalid body or query' })
@Controller('api/v1/oauth/role')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  // scope:read, as before roles could be defined: what a client administrator may assign is theirs to see.
  @Authenticated({ scope: ScopeScopes.read, reach: 'organization' })
  @ApiOperation({
    summary: 'List the roles (client permissions) and the scopes each grants',
    description: "The built-in roles, then the organization's own (`built_in: false`). Assign them to clients with PUT /api/v1/oauth/client/{id}/permissions, and to users as their role.",
  })
  @ApiOkResponse({ type: [RoleDto] })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such organization, or not yours' })
  list(@Auth() auth: AuthContext, @Query() query: RoleOrganizationQueryDto): Promise<RoleDto[]> {
    return this.roles.list(auth, query.organization);
  }

  @Post()
  @Authenticated({ scope: RoleScopes.create, reach: 'organization' })
  @ApiOperation({ summary: 'Define a role of the organization', description: 'A named bundle of scopes of Gatehouse and of the organization\'s APIs, each one the caller holds; `orders:*` grants every scope the organization knows with that prefix, now and later.' })
  @ApiCreatedResponse({ type: RoleDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'The role would grant a scope the caller does not hold' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The organization has a role of that name already' })
  create(@Auth() auth: AuthContext, @Body() dto: CreateRoleDto): Promise<RoleDto> {
    return this.roles.create(auth, dto);
  }

  @Get(':name')
  @Authenticated({ scope: RoleScopes.read, reach: 'organization' })
  @ApiOperation({ summary: 'Read a role' })
  @roleName
  @ApiOkResponse({ type: RoleDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  get(@Auth() auth: AuthContext, @Param('name') name: string, @Query() query: RoleOrganizationQueryDto): Promise<RoleDto> {
    return this.roles.get(auth, name, query.organization);
  }

  @Patch(':name')
  @Authenticated({ scope: RoleScopes.update, reach: 'organization' })
  @ApiOperation({
    summary: "Change a role's description or scopes",
    description: 'Fields left out keep their value. Its clients and users hold the new scopes at once on this server, and within CHANGE_FEED_POLL_MS on the others. The caller must hold every scope of the role, before and after.',
  })
  @roleName
  @ApiOkResponse({ type: RoleDto })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'A built-in role, or one holding (before or after) a scope the caller does not hold' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  update(@Auth() auth: AuthContext, @Param('name') name: string, @Query() query: RoleOrganizationQueryDto, @Body() dto: UpdateRoleDto): Promise<RoleDto> {
    return this.roles.update(auth, name, query.organization, dto);
  }

  @Delete(':name')
  @HttpCode(204)
  @Authenticated({ scope: RoleScopes.delete, reach: 'organization' })
  @ApiOperation({ summary: 'Delete a role', description: 'Refused (409) while a client or a user holds it.' })
  @roleName
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'A built-in role, or one holding a scope the caller does not hold' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'Clients or users hold the role: the message says how many' })
  delete(@Auth() auth: AuthContext, @Param('name') name: string, @Query() query: RoleOrganizationQueryDto): Promise<void> {
    return this.roles.delete(auth, name, query.organization);
  }
}
