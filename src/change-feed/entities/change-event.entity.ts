import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One change that every server process must apply to what it holds in memory: a client, an
 * organization or a project changed (drop it from the caches), a token revoked (add it to the revocation list).
 * Rows are kept only as long as the feed's look-back window needs them.
 */
@Entity('change_event')
export class ChangeEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 32 })
  kind: string;

  /** The id of what changed: a client, organization or project id, or a token's `jti`. */
  @Column({ type: 'varchar', length: 64 })
  subject: string;

  /** For a revoked token: when it would have expired (the revocation list forgets it then). */
  @Column({ name: 'expires_at', type: 'datetime', precision: 3, nullable: true })
  expiresAt: Date | null;

  @Index('idx_change_event_created_at')
  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
