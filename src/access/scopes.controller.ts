import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from './authenticated.decorator.js';
import { PermissionDto } from './dto/permission.dto.js';
import { PERMISSIONS } from '../scopes/permissions.js';
import { ScopeScopes } from '../scopes/scope.scopes.js';

/** The client permissions. GET /api/v1/oauth/scope is served by apis/ (CatalogScopesController): it lists the organization's API scopes too. */
@ApiTags('scopes')
@Controller('api/v1/oauth')
export class ScopesController {
  @Get('role')
  @Authenticated({ scope: ScopeScopes.read, reach: 'organization' })
  @ApiOperation({ summary: 'List client permissions (roles) and the scopes each grants', description: 'Assign them with PUT /api/v1/oauth/client/{id}/permissions.' })
  @ApiOkResponse({ type: [PermissionDto] })
  roles(): PermissionDto[] {
    return PERMISSIONS.map(({ name, description, scopes }) => ({ name, description, scopes: [...scopes] }));
  }
}
