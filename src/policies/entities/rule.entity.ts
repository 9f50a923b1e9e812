import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { PolicyEntity } from './policy.entity.js';

/** A Fides rule: what a policy does (access, erasure, consent, update). */
@Entity('rule')
@Index('uq_rule_organization_key', ['organizationId', 'key'], { unique: true })
export class RuleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 36 })
  organizationId: string;

  @Index('idx_rule_policy')
  @Column({ name: 'policy_id', type: 'varchar', length: 36 })
  policyId: string;

  @ManyToOne(() => PolicyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'policy_id', foreignKeyConstraintName: 'fk_rule_policy' })
  policy?: Relation<PolicyEntity>;

  @Column({ type: 'varchar', length: 100 })
  key: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'action_type', type: 'varchar', length: 16 })
  actionType: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
