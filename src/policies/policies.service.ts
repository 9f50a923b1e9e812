import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, QueryFailedError, type Repository } from 'typeorm';
import { actorOf } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { type AuthContext } from '../access/auth-context.js';
import { type PageQueryDto, PageDto } from '../common/dto/page.dto.js';
import { type BulkUpsertResultDto, PolicyDto, RuleDto, type UpsertPolicyDto, type UpsertRuleDto } from './dto/policy.dto.js';
import { PolicyEntity } from './entities/policy.entity.js';
import { RuleEntity } from './entities/rule.entity.js';
import { Clock } from '../common/clock.js';

/**
 * Fides's policies and rules, the resources its seed client reads with `policy:read` and
 * `rule:read`. Every query is bounded by the caller's organization. Each policy or rule is
 * written in its own unit of work with its audit event; a bulk PATCH applies its entries one by
 * one, as Fides does, and reports exactly which were stored and which were not, and why.
 */
@Injectable()
export class PoliciesService {
  private readonly logger = new Logger(PoliciesService.name);

  constructor(
    @InjectRepository(PolicyEntity) private readonly policies: Repository<PolicyEntity>,
    @InjectRepository(RuleEntity) private readonly rules: Repository<RuleEntity>,
    private readonly unitOfWork: UnitOfWork,
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

  /** Like Fides: each item either succeeds or is reported in `failed` with the reason; a failed item writes nothing. */
  async upsertPolicies(auth: AuthContext, items: UpsertPolicyDto[]): Promise<BulkUpsertResultDto<PolicyDto>> {
    const result: BulkUpsertResultDto<PolicyDto> = { succeeded: [], failed: [] };
    for (const item of items) {
      const outcome = await this.outcomeOf(`policy ${item.key}`, () => this.upsertPolicy(auth, item));
      if ('message' in outcome) result.failed.push({ message: outcome.message, data: item });
      else result.succeeded.push(PolicyDto.from(outcome));
    }
    return result;
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
      const outcome = await this.outcomeOf(`rule ${item.key}`, () => this.upsertRule(auth, item));
      if ('message' in outcome) result.failed.push({ message: outcome.message, data: item });
      else result.succeeded.push(outcome);
    }
    return result;
  }

  /** One bulk entry's outcome: what it stored, or why not when the database refused it (with no database detail; the entry's unit of work wrote nothing). */
  private async outcomeOf<T>(entry: string, write: () => Promise<T>): Promise<T | { message: string }> {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof QueryFailedError)) throw error;
      this.logger.warn(`The database refused ${entry}: ${error.message}`);
      return { message: `The ${entry} could not be stored; nothing of it was written` };
    }
  }

  private upsertPolicy(auth: AuthContext, dto: UpsertPolicyDto): Promise<PolicyEntity> {
    return this.unitOfWork.run(actorOf(auth), async (change) => {
      const now = this.clock.date();
      const existing = await change.manager.findOneBy(PolicyEntity, { organizationId: auth.organizationId, key: dto.key });
      const policy: PolicyEntity = existing
        ? { ...existing, name: dto.name, executionTimeframe: dto.execution_timeframe ?? existing.executionTimeframe, updatedAt: now }
        : { id: randomUUID(), organizationId: auth.organizationId, key: dto.key, name: dto.name, executionTimeframe: dto.execution_timeframe ?? null, createdAt: now, updatedAt: now };
      if (existing) await change.manager.update(PolicyEntity, { id: policy.id }, { name: policy.name, executionTimeframe: policy.executionTimeframe, updatedAt: now });
      // A copy: on MariaDB, insert() writes the raw column defaults back into its argument.
      else await change.manager.insert(PolicyEntity, { ...policy });
      await change.audit({ action: existing ? 'policy.updated' : 'policy.created', targetType: 'policy', targetId: policy.id, organizationId: policy.organizationId, details: { key: policy.key, name: policy.name, execution_timeframe: policy.executionTimeframe } });
      return policy;
    });
  }

  private upsertRule(auth: AuthContext, dto: UpsertRuleDto): Promise<RuleDto | { message: string }> {
    return this.unitOfWork.run(actorOf(auth), async (change) => {
      const policy = await change.manager.findOneBy(PolicyEntity, { organizationId: auth.organizationId, key: dto.policy_key });
      if (!policy) return { message: `No policy with key ${dto.policy_key}` };
      const now = this.clock.date();
      const existing = await change.manager.findOneBy(RuleEntity, { organizationId: auth.organizationId, key: dto.key });
      const rule: RuleEntity = existing
        ? { ...existing, name: dto.name, actionType: dto.action_type, policyId: policy.id, updatedAt: now }
        : { id: randomUUID(), organizationId: auth.organizationId, policyId: policy.id, key: dto.key, name: dto.name, actionType: dto.action_type, createdAt: now, updatedAt: now };
      if (existing) await change.manager.update(RuleEntity, { id: rule.id }, { name: rule.name, actionType: rule.actionType, policyId: rule.policyId, updatedAt: now });
      else await change.manager.insert(RuleEntity, { ...rule });
      await change.audit({ action: existing ? 'rule.updated' : 'rule.created', targetType: 'rule', targetId: rule.id, organizationId: rule.organizationId, details: { key: rule.key, name: rule.name, action_type: rule.actionType, policy_key: policy.key } });
      return RuleDto.from(rule, policy.key);
    });
  }
}
