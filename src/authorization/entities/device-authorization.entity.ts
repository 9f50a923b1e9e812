import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OAuthClientEntity } from '../../clients/entities/oauth-client.entity.js';
import { jsonArray } from '../../database/json-array.transformer.js';
import { UserEntity } from '../../users/entities/user.entity.js';

/** Where a device authorization stands: waiting for the user, answered, or redeemed for tokens. */
export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied';

/**
 * A device authorization request (RFC 8628): its device code stored as its SHA-256, its user code
 * in canonical form (eight letters, no dash), the client that asked and for which API, and, once
 * the user answered, who approved which scopes. Kept a while after it expires or is redeemed so
 * that a late poll is told `expired_token` or `invalid_grant` rather than nothing.
 */
@Entity('device_authorization')
export class DeviceAuthorizationEntity {
  @PrimaryColumn({ name: 'device_code_hash', type: 'varchar', length: 64 })
  deviceCodeHash: string;

  @Index('uq_device_authorization_user_code', { unique: true })
  @Column({ name: 'user_code', type: 'varchar', length: 16 })
  userCode: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  @ManyToOne(() => OAuthClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_device_authorization_client' })
  client?: Relation<OAuthClientEntity>;

  /** The client's organization, whose members may approve. */
  @Column({ name: 'organization_id', type: 'varchar', length: 36 })
  organizationId: string;

  /** The scopes the client asked for; once approved, those the user granted. */
  @Column({ type: 'text', transformer: jsonArray })
  scopes: string[];

  /** The resource (RFC 8707) the device asked for, which the grant is for alone; null when it named none. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: DeviceAuthorizationStatus;

  /** Who answered; null while pending. */
  @Column({ name: 'user_id', type: 'varchar', length: 36, nullable: true })
  userId: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_device_authorization_user' })
  user?: Relation<UserEntity>;

  /** When the approving user typed their password (OpenID Connect `auth_time`). */
  @Column({ name: 'auth_time', type: 'datetime', precision: 3, nullable: true })
  authTime: Date | null;

  /** Seconds the device must wait between polls: RFC 8628 §3.5 adds 5 at each `slow_down`. */
  @Column({ name: 'interval_seconds', type: 'integer' })
  intervalSeconds: number;

  @Column({ name: 'last_polled_at', type: 'datetime', precision: 3, nullable: true })
  lastPolledAt: Date | null;

  @Index('idx_device_authorization_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'consumed_at', type: 'datetime', precision: 3, nullable: true })
  consumedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
