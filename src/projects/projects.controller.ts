import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { CreateProjectDto, ProjectDto, UpdateProjectDto } from './dto/project.dto.js';
import { ProjectScopes } from '../scopes/project.scopes.js';
import { ProjectsService } from './projects.service.js';

@ApiTags('projects')
@ApiBadRequestResponse({ type: ApiErrorDto })
@ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such organization or project, or not yours' })
@Controller('api/v1/organizations/:org/projects')
export class ProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly organizations: OrganizationsService,
  ) {}

  @Post()
  @Authenticated({ scope: ProjectScopes.create, reach: 'organization' })
  @ApiOperation({ summary: 'Create a project' })
  @ApiCreatedResponse({ type: ProjectDto })
  async create(@Auth() auth: AuthContext, @Param('org') org: string, @Body() dto: CreateProjectDto): Promise<ProjectDto> {
    return this.projects.create(auth, await this.organizations.resolve(auth, org), dto);
  }

  @Get()
  @Authenticated({ scope: ProjectScopes.read, reach: 'project' })
  @ApiOperation({ summary: "List an organization's projects, newest first" })
  @ApiOkResponse({ type: [ProjectDto] })
  async list(@Auth() auth: AuthContext, @Param('org') org: string): Promise<ProjectDto[]> {
    return this.projects.list(auth, await this.organizations.resolve(auth, org));
  }

  @Get(':project_id')
  @Authenticated({ scope: ProjectScopes.read, reach: 'project' })
  @ApiOperation({ summary: 'Read a project' })
  @ApiOkResponse({ type: ProjectDto })
  async get(@Auth() auth: AuthContext, @Param('org') org: string, @Param('project_id', ParseUUIDPipe) id: string): Promise<ProjectDto> {
    return this.projects.get(auth, await this.organizations.resolve(auth, org), id);
  }

  @Put(':project_id')
  @Authenticated({ scope: ProjectScopes.update, reach: 'project' })
  @ApiOperation({ summary: 'Update a project' })
  @ApiOkResponse({ type: ProjectDto })
  async update(@Auth() auth: AuthContext, @Param('org') org: string, @Param('project_id', ParseUUIDPipe) id: string, @Body() dto: UpdateProjectDto): Promise<ProjectDto> {
    return this.projects.update(auth, await this.organizations.resolve(auth, org), id, dto);
  }

  @Delete(':project_id')
  @HttpCode(204)
  @Authenticated({ scope: ProjectScopes.delete, reach: 'project' })
  @ApiOperation({ summary: 'Delete a project' })
  @ApiNoContentResponse()
  async delete(@Auth() auth: AuthContext, @Param('org') org: string, @Param('project_id', ParseUUIDPipe) id: string): Promise<void> {
    return this.projects.delete(auth, await this.organizations.resolve(auth, org), id);
  }
}
