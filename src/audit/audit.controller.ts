import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { AuditScopes } from '../scopes/audit.scopes.js';
import { AuditService } from './audit.service.js';
import { AuditPageDto, AuditQueryDto } from './dto/audit-event.dto.js';

@ApiTags('audit')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authenticated({ scope: AuditScopes.read, reach: 'organization' })
  @ApiOperation({
    summary: 'The audit trail, newest first',
    description: 'Who changed what: clients, scopes, permissions, secrets, organizations, projects, revocations, not-before pushes, admin-issued tokens, lockouts.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiBadRequestResponse({ type: ApiErrorDto })
  list(@Auth() auth: AuthContext, @Query() query: AuditQueryDto): Promise<AuditPageDto> {
    return this.audit.list(auth, query);
  }
}
