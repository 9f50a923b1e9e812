import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what to what, when, from where. `details` holds non-secret facts only (never a secret or a token). */
@Entity('audit_event')
@Index('idx_audit_event_organization', ['organizationId', 'id'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Index('idx_audit_event_occurred_at')
  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt: Date;

  /** `client` (later `user`), or `system` for what Gatehouse does by itself (brute-force lockouts). */
  @Column({ name: 'actor_type', type: 'varchar', length: 16 })
  actorType: string;

  @Index('idx_audit_event_actor')
  @Column({ name: 'actor_id', type: 'varchar', length: 64 })
  actorId: string;

  /** The organization the target belongs to: its administrators see the event. */
  @Column({ name: 'organization_id', type: 'varchar', length: 36, nullable: true })
  organizationId: string | null;

  @Index('idx_audit_event_action')
  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 32 })
  targetType: string;

  @Index('idx_audit_event_target')
  @Column({ name: 'target_id', type: 'varchar', length: 64 })
  targetId: string;

  @Column({ name: 'source_ip', type: 'varchar', length: 64, nullable: true })
  sourceIp: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  /** A JSON object. */
  @Column({ type: 'text', nullable: true })
  details: string | null;
}
