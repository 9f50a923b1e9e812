import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { CreateTableDto, TableDto, TableListDto } from './dto/table.dto.js';
import { TableScopes } from '../scopes/table.scopes.js';
import { TablesService } from './tables.service.js';

const PROJECT_RULE =
  'Needs a token of the project\'s organization. Where the organization requires project-scoped tokens (the default for new ones), the token must have been requested with `scope=project-{project_id}`; 403 otherwise.';

@ApiTags('tables')
@ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such project in your organization' })
@ApiForbiddenResponse({ type: ApiErrorDto, description: 'Token scoped to another project, or an organization token where a project-scoped one is required' })
@Controller('v1/projects/:project_id/tables')
export class TablesController {
  constructor(private readonly tables: TablesService) {}

  @Get()
  @Authenticated({ scope: TableScopes.read, reach: 'project' })
  @ApiOperation({ summary: "List a project's tables (Polaris)", description: PROJECT_RULE })
  @ApiOkResponse({ type: TableListDto })
  list(@Auth() auth: AuthContext, @Param('project_id', ParseUUIDPipe) projectId: string): Promise<TableListDto> {
    return this.tables.list(auth, projectId);
  }

  @Post()
  @Authenticated({ scope: TableScopes.write, reach: 'project' })
  @ApiOperation({ summary: 'Create a table (Polaris)', description: PROJECT_RULE })
  @ApiCreatedResponse({ type: TableDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto })
  create(@Auth() auth: AuthContext, @Param('project_id', ParseUUIDPipe) projectId: string, @Body() dto: CreateTableDto): Promise<TableDto> {
    return this.tables.create(auth, projectId, dto);
  }
}
