import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { jsonArray } from '../../database/json-array.transformer.js';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';
import { UserEntity } from '../../users/entities/user.entity.js';

/** A personal access token (Polar, GitHub): a user's own credential for the API, stored as its SHA-256. */
@Entity('personal_access_token')
@Index('uq_personal_access_token_hash', ['tokenHash'], { unique: true })
export class PersonalAccessTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('idx_personal_access_token_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_personal_access_token_user' })
  user?: Relation<UserEntity>;

  /** The organization it acts in (one of the user's). */
  @Column({ name: 'organization_id', type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_personal_access_token_organization' })
  organization?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  /** The first characters of the token, so that its owner can tell which one a leaked string is. */
  @Column({ name: 'token_prefix', type: 'varchar', length: 16 })
  tokenPrefix: string;

  @Column({ type: 'text', transformer: jsonArray })
  scopes: string[];

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
