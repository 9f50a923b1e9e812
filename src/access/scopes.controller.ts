import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from './authenticated.decorator.js';
import { ScopeDto } from './dto/scope.dto.js';
import { ScopeRegistry } from './scope-registry.js';
import { ScopeScopes } from '../scopes/scope.scopes.js';

@ApiTags('scopes')
@Controller('api/v1/oauth')
export class ScopesController {
  constructor(private readonly registry: ScopeRegistry) {}

  @Get('scope')
  @Authenticated({ scope: ScopeScopes.read, reach: 'organization' })
  @ApiOperation({ summary: 'List every scope with its description' })
  @ApiOkResponse({ type: [ScopeDto] })
  list(): ScopeDto[] {
    return this.registry.all().map(({ name, description }) => ({ name, description }));
  }
}
