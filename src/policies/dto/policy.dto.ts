import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { type PolicyEntity } from '../entities/policy.entity.js';
import { type RuleEntity } from '../entities/rule.entity.js';
import { Omittable } from '../../common/dto/omittable.decorator.js';

/** Fides's FidesKey: letters, digits, `_`, `.`, `-`. */
const FIDES_KEY = /^[A-Za-z0-9_.-]{1,100}$/;
export const ACTION_TYPES = ['access', 'erasure', 'consent', 'update'];

export class UpsertPolicyDto {
  @ApiProperty({ example: 'default_access_policy' })
  @Matches(FIDES_KEY, { message: 'key must be 1-100 characters of A-Z a-z 0-9 _ . -' })
  key: string;

  @ApiProperty({ example: 'Default access policy' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ description: 'Days allowed to fulfil a request' })
  @Omittable()
  @IsInt()
  @Min(1)
  execution_timeframe?: number;
}

export class PolicyDto {
  @ApiProperty()
  key: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: Number, nullable: true })
  execution_timeframe: number | null;

  static from(policy: PolicyEntity): PolicyDto {
    return { key: policy.key, name: policy.name, execution_timeframe: policy.executionTimeframe };
  }
}

export class UpsertRuleDto {
  @ApiProperty({ example: 'access_rule' })
  @Matches(FIDES_KEY, { message: 'key must be 1-100 characters of A-Z a-z 0-9 _ . -' })
  key: string;

  @ApiProperty({ example: 'Access rule' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: ACTION_TYPES })
  @IsIn(ACTION_TYPES)
  action_type: string;

  @ApiProperty({ example: 'default_access_policy', description: 'Key of the policy the rule belongs to' })
  @Matches(FIDES_KEY, { message: 'policy_key must be a policy key' })
  policy_key: string;
}

export class RuleDto {
  @ApiProperty()
  key: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ACTION_TYPES })
  action_type: string;

  @ApiProperty()
  policy_key: string;

  static from(rule: RuleEntity, policyKey: string): RuleDto {
    return { key: rule.key, name: rule.name, action_type: rule.actionType, policy_key: policyKey };
  }
}

/** Fides's answer to a bulk PATCH: what was stored, and what was not and why. */
export class BulkUpsertResultDto<T> {
  succeeded: T[];
  failed: { message: string; data: unknown }[];
}
