import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ScopeScopes } from '../scopes/scope.scopes.js';
import { CatalogScopeDto } from './dto/catalog-scope.dto.js';
import { ScopeCatalog } from './scope-catalog.js';

/** The scope list, here rather than in access/ (which knows no domain module) because it includes the organization's API scopes. */
@ApiTags('scopes')
@Controller('api/v1/oauth')
export class CatalogScopesController {
  constructor(private readonly catalog: ScopeCatalog) {}

  @Get('scope')
  @Authenticated({ scope: ScopeScopes.read, reach: 'organization' })
  @ApiOperation({ summary: "List every scope with its description: Gatehouse's own, then those of the caller's organization's APIs (marked with `api`)" })
  @ApiOkResponse({ type: [CatalogScopeDto] })
  async list(@Auth() auth: AuthContext): Promise<CatalogScopeDto[]> {
    return (await this.catalog.all(auth.organizationId)).map(({ name, description, api }) => ({ name, description, ...(api !== undefined && { api }) }));
  }
}
