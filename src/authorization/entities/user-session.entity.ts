import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity.js';

/** A signed-in browser. The cookie holds a random id; only its SHA-256 is stored. */
@Entity('user_session')
export class UserSessionEntity {
  @PrimaryColumn({ name: 'id_hash', type: 'varchar', length: 64 })
  idHash: string;

  @Index('idx_user_session_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_session_user' })
  user?: Relation<UserEntity>;

  /** When the user typed their password (OpenID Connect's `auth_time`). */
  @Column({ name: 'auth_time', type: 'datetime', precision: 3 })
  authTime: Date;

  @Index('idx_user_session_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;
}
