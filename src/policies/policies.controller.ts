import { Body, Controller, Get, Param, ParseArrayPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthContext } from '../access/auth-context.js';
import { Authenticated } from '../access/authenticated.decorator.js';
import { ApiErrorDto } from '../common/dto/error.dto.js';
import { PageQueryDto } from '../common/dto/page.dto.js';
import { type BulkUpsertResultDto, PolicyDto, RuleDto, UpsertPolicyDto, UpsertRuleDto } from './dto/policy.dto.js';
import { PoliciesService } from './policies.service.js';
import { PolicyScopes } from '../scopes/policy.scopes.js';

const bulk = (type: typeof UpsertPolicyDto | typeof UpsertRuleDto) => new ParseArrayPipe({ items: type, whitelist: true, forbidNonWhitelisted: true });

/** Fides's execution policies and rules (its seed client reads them with `policy:read` and `rule:read`). */
@ApiTags('policies')
@ApiExtraModels(PolicyDto, RuleDto)
@ApiBadRequestResponse({ type: ApiErrorDto })
@Controller('api/v1')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Get('policy')
  @Authenticated({ scope: PolicyScopes.read, reach: 'organization' })
  @ApiOperation({ summary: "List your organization's policies (Fides page shape)" })
  @ApiOkResponse({ description: '{items, total, page, size, pages}' })
  listPolicies(@Auth() auth: AuthContext, @Query() query: PageQueryDto) {
    return this.policies.listPolicies(auth, query);
  }

  @Get('policy/:key')
  @Authenticated({ scope: PolicyScopes.read, reach: 'organization' })
  @ApiOperation({ summary: 'Read a policy' })
  @ApiOkResponse({ type: PolicyDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  getPolicy(@Auth() auth: AuthContext, @Param('key') key: string): Promise<PolicyDto> {
    return this.policies.getPolicy(auth, key);
  }

  @Post('policy')
  @Authenticated({ scope: PolicyScopes.createOrUpdate, reach: 'organization' })
  @ApiOperation({ summary: 'Create a policy' })
  @ApiCreatedResponse({ type: PolicyDto })
  @ApiConflictResponse({ type: ApiErrorDto })
  createPolicy(@Auth() auth: AuthContext, @Body() dto: UpsertPolicyDto): Promise<PolicyDto> {
    return this.policies.createPolicy(auth, dto);
  }

  @Patch('policy')
  @Authenticated({ scope: PolicyScopes.createOrUpdate, reach: 'organization' })
  @ApiOperation({ summary: 'Create or update policies by key (Fides bulk PATCH); each entry is stored whole or not at all, and those the database refused are reported in failed' })
  @ApiBody({ type: [UpsertPolicyDto] })
  @ApiOkResponse({ description: '{succeeded: [...], failed: [{message, data}]}' })
  upsertPolicies(@Auth() auth: AuthContext, @Body(bulk(UpsertPolicyDto)) items: UpsertPolicyDto[]): Promise<BulkUpsertResultDto<PolicyDto>> {
    return this.policies.upsertPolicies(auth, items);
  }

  @Get('rule')
  @Authenticated({ scope: PolicyScopes.ruleRead, reach: 'organization' })
  @ApiOperation({ summary: "List your organization's rules (Fides page shape)" })
  @ApiOkResponse({ description: '{items, total, page, size, pages}' })
  listRules(@Auth() auth: AuthContext, @Query() query: PageQueryDto) {
    return this.policies.listRules(auth, query);
  }

  @Post('rule')
  @Authenticated({ scope: PolicyScopes.ruleCreateOrUpdate, reach: 'organization' })
  @ApiOperation({ summary: 'Create a rule in a policy' })
  @ApiCreatedResponse({ type: RuleDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No policy with that key' })
  @ApiConflictResponse({ type: ApiErrorDto })
  createRule(@Auth() auth: AuthContext, @Body() dto: UpsertRuleDto): Promise<RuleDto> {
    return this.policies.createRule(auth, dto);
  }

  @Patch('rule')
  @Authenticated({ scope: PolicyScopes.ruleCreateOrUpdate, reach: 'organization' })
  @ApiOperation({ summary: 'Create or update rules by key (Fides bulk PATCH); each entry is stored whole or not at all, and unknown policies and entries the database refused are reported in failed' })
  @ApiBody({ type: [UpsertRuleDto] })
  @ApiOkResponse({ description: '{succeeded: [...], failed: [{message, data}]}' })
  upsertRules(@Auth() auth: AuthContext, @Body(bulk(UpsertRuleDto)) items: UpsertRuleDto[]): Promise<BulkUpsertResultDto<RuleDto>> {
    return this.policies.upsertRules(auth, items);
  }
}
