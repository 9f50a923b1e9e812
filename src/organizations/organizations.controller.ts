import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { NotBeforeDto } from '../common/dto/not-before.dto.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { CreateOrganizationDto, OrganizationDto, UpdateOrganizationDto } from './dto/organization.dto.js';
import { OrganizationScopes } from '../scopes/organization.scopes.js';
import { OrganizationsService } from './organizations.service.js';

@ApiTags('organizations')
@ApiBadRequestResponse({ type: ApiErrorDto })
@ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such organization, or not yours' })
@Controller('api/v1/organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Post()
  @Authenticated({ scope: OrganizationScopes.create, reach: 'platform' })
  @ApiOperation({ summary: 'Create an organization (realm); the root client or a platform administrator' })
  @ApiCreatedResponse({ type: OrganizationDto })
  @ApiConflictResponse({ type: ApiErrorDto })
  create(@Auth() auth: AuthContext, @Body() dto: CreateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.create(auth, dto);
  }

  @Get()
  @Authenticated({ scope: OrganizationScopes.read, reach: 'organization' })
  @ApiOperation({ summary: 'List organizations: all for the root client and platform administrators, your own otherwise' })
  @ApiOkResponse({ type: [OrganizationDto] })
  list(@Auth() auth: AuthContext): Promise<OrganizationDto[]> {
    return this.organizations.list(auth);
  }

  @Get(':org')
  @Authenticated({ scope: OrganizationScopes.read, reach: 'organization' })
  @ApiOperation({ summary: 'Read an organization' })
  @ApiOkResponse({ type: OrganizationDto })
  get(@Auth() auth: AuthContext, @Param('org') name: string): Promise<OrganizationDto> {
    return this.organizations.get(auth, name);
  }

  @Put(':org')
  @Authenticated({ scope: OrganizationScopes.update, reach: 'organization' })
  @ApiOperation({ summary: 'Change organization settings (administer-account or root)' })
  @ApiOkResponse({ type: OrganizationDto })
  update(@Auth() auth: AuthContext, @Param('org') name: string, @Body() dto: UpdateOrganizationDto): Promise<OrganizationDto> {
    return this.organizations.update(auth, name, dto);
  }

  @Post(':org/not-before')
  @HttpCode(200)
  @Authenticated({ scope: OrganizationScopes.update, reach: 'organization' })
  @ApiOperation({ summary: "Push the organization's not-before (Keycloak)", description: 'Every token of every client of the organization issued until now is refused, on every server within a second.' })
  @ApiOkResponse({ type: NotBeforeDto })
  pushNotBefore(@Auth() auth: AuthContext, @Param('org') name: string): Promise<NotBeforeDto> {
    return this.organizations.pushNotBefore(auth, name);
  }

  @Delete(':org')
  @HttpCode(204)
  @Authenticated({ scope: OrganizationScopes.delete, reach: 'platform' })
  @ApiOperation({ summary: 'Delete an organization with its clients and projects; the root client or a platform administrator' })
  @ApiNoContentResponse()
  delete(@Auth() auth: AuthContext, @Param('org') name: string): Promise<void> {
    return this.organizations.delete(auth, name);
  }
}
