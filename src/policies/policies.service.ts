import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { type AuthContext } from '../auth/auth-context.js';
import { type PageQueryDto, PageDto } from '../common/dto/page.dto.js';
import { type BulkUpsertResultDto, PolicyDto, RuleDto, type UpsertPolicyDto, type UpsertRuleDto } from './dto/policy.dto.js';
import { PolicyEntity } from './entities/policy.entity.js';
import { RuleEntity } from './entities/rule.entity.js';
import { Clock } from '../common/clock.js';

/**
 * Fides's policies and rules, the resources its seed client reads with `policy:read` and
 * `rule:read`. Every query is bounded by the caller's organization.
 */
@Injectable()
export class PoliciesService {
  constructor(
    @InjectRepository(PolicyEntity) private readonly policies: Repository<PolicyEntity>,
    @InjectRepository(RuleEntity) private readonly rules: Repository<RuleEntity>,
    private readonly clock: Clock,
  ) {}

  async listPolicies(auth: AuthContext, query: PageQueryDto): Promise<PageDto<PolicyDto>> {
    const [rows, total] = await this.policies.findAndCount({ where: { organizationId: auth.organizationId }, order: { createdAt: 'ASC', id: 'ASC' }, skip: (query.page - 1) * query.size, take: query.size });
    return PageDto.of(rows.map(PolicyDto.from), total, query);
  }

  async getPolicy(auth: AuthContext, key: string): Promise<PolicyDto> {
    const policy = await this.policies.findOneBy({ organizationId: auth.organizationId, key });
    if (!policy) throw new NotFoundException(`No policy with key ${key}`);
    return PolicyDto.from(policy);
  }

  async createPolicy(auth: AuthContext, dto: UpsertPolicyDto): Promise<PolicyDto> {
    if (await this.policies.existsBy({ organizationId: auth.organizationId, key: dto.key })) throw new ConflictException(`A policy with key ${dto.key} exists already`);
    return PolicyDto.from(await this.upsertPolicy(auth, dto));
  }

  async upsertPolicies(auth: AuthContext, items: UpsertPolicyDto[]): Promise<BulkUpsertResultDto<PolicyDto>> {
    const succeeded: PolicyDto[] = [];
    for (const item of items) succeeded.push(PolicyDto.from(await this.upsertPolicy(auth, item)));
    return { succeeded, failed: [] };
  }

  async listRules(auth: AuthContext, query: PageQueryDto): Promise<PageDto<RuleDto>> {
    const [rows, total] = await this.rules.findAndCount({ where: { organizationId: auth.organizationId }, order: { createdAt: 'ASC', id: 'ASC' }, skip: (query.page - 1) * query.size, take: query.size });
    const keys = new Map((await this.policies.findBy({ id: In([...new Set(rows.map((rule) => rule.policyId))]) })).map((policy) => [policy.id, policy.key]));
    return PageDto.of(rows.map((rule) => RuleDto.from(rule, keys.get(rule.policyId)!)), total, query);
  }

  async createRule(auth: AuthContext, dto: UpsertRuleDto): Promise<RuleDto> {
    if (await this.rules.existsBy({ organizationId: auth.organizationId, key: dto.key })) throw new ConflictException(`A rule with key ${dto.key} exists already`);
    const result = await this.upsertRule(auth, dto);
    if ('message' in result) throw new NotFoundException(result.message);
    return result;
  }

  /** Like Fides: each item either succeeds or is reported in `failed` with the reason. */
  async upsertRules(auth: AuthContext, items: UpsertRuleDto[]): Promise<BulkUpsertResultDto<RuleDto>> {
    const result: BulkUpsertResultDto<RuleDto> = { succeeded: [], failed: [] };
    for (const item of items) {
      const outcome = await this.upsertRule(auth, item);
      if ('message' in outcome) result.failed.push({ message: outcome.message, data: item });
      else result.succeeded.push(outcome);
    }
    return result;
  }

  private async upsertPolicy(auth: AuthContext, dto: UpsertPolicyDto): Promise<PolicyEntity> {
    const now = this.clock.date();
    const existing = await this.policies.findOneBy({ organizationId: auth.organizationId, key: dto.key });
    const policy = existing
      ? { ...existing, name: dto.name, executionTimeframe: dto.execution_timeframe ?? existing.executionTimeframe, updatedAt: now }
      : this.policies.create({ id: randomUUID(), organizationId: auth.organizationId, key: dto.key, name: dto.name, executionTimeframe: dto.execution_timeframe ?? null, createdAt: now, updatedAt: now });
    await this.policies.save(policy);
    return policy;
  }

  private async upsertRule(auth: AuthContext, dto: UpsertRuleDto): Promise<RuleDto | { message: string }> {
    const policy = await this.policies.findOneBy({ organizationId: auth.organizationId, key: dto.policy_key });
    if (!policy) return { message: `No policy with key ${dto.policy_key}` };
    const now = this.clock.date();
    const existing = await this.rules.findOneBy({ organizationId: auth.organizationId, key: dto.key });
    const rule = existing
      ? { ...existing, name: dto.name, actionType: dto.action_type, policyId: policy.id, updatedAt: now }
      : this.rules.create({ id: randomUUID(), organizationId: auth.organizationId, policyId: policy.id, key: dto.key, name: dto.name, actionType: dto.action_type, createdAt: now, updatedAt: now });
    await this.rules.save(rule);
    return RuleDto.from(rule, policy.key);
  }
}
