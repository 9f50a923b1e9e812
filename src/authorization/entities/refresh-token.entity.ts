import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { type SubjectType } from './authorization-code.entity.js';
import { OAuthClientEntity } from '../../clients/entities/oauth-client.entity.js';
import { jsonArray } from '../../database/json-array.transformer.js';
import { UserEntity } from '../../users/entities/user.entity.js';

/**
 * A refresh token, stored as its SHA-256. Every use spends it and issues the next one of its
 * family (all the tokens descending from one authorization code, whose hash is the family id);
 * a spent one presented again means it leaked, and the whole family is revoked with the access
 * tokens issued alongside.
 */
@Entity('refresh_token')
export class RefreshTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Index('idx_refresh_token_family')
  @Column({ name: 'family_id', type: 'varchar', length: 64 })
  familyId: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  @ManyToOne(() => OAuthClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_refresh_token_client' })
  client?: Relation<OAuthClientEntity>;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_refresh_token_user' })
  user?: Relation<UserEntity>;

  @Column({ name: 'organization_id', type: 'varchar', length: 36 })
  organizationId: string;

  @Column({ name: 'subject_type', type: 'varchar', length: 16 })
  subjectType: SubjectType;

  @Column({ type: 'text', transformer: jsonArray })
  scopes: string[];

  /** The resource (RFC 8707) the authorization request named; null when it named none. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  nonce: string | null;

  /** The thumbprint of the DPoP key (RFC 9449 §5) a refresh of this token must prove; null when unbound. */
  @Column({ name: 'dpop_jkt', type: 'varchar', length: 43, nullable: true })
  dpopJkt: string | null;

  @Column({ name: 'auth_time', type: 'datetime', precision: 3 })
  authTime: Date;

  /** The access token issued with this refresh token: revoked with the family. */
  @Column({ name: 'access_token_jti', type: 'varchar', length: 64 })
  accessTokenJti: string;

  @Column({ name: 'access_token_expires_at', type: 'datetime', precision: 3 })
  accessTokenExpiresAt: Date;

  @Index('idx_refresh_token_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
