import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { jsonArray } from '../../database/json-array.transformer.js';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';

/** An RFC 7591 initial access token: lets its bearer register clients in one organization, a limited number of times, until it expires. */
@Entity('initial_access_token')
@Index('uq_initial_access_token_hash', ['tokenHash'], { unique: true })
export class InitialAccessTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('idx_initial_access_token_organization')
  @Column({ name: 'organization_id', type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_initial_access_token_organization' })
  organization?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  /** The first characters of the token, so that an administrator can tell which one a leaked string is. */
  @Column({ name: 'token_prefix', type: 'varchar', length: 16 })
  tokenPrefix: string;

  /** The most a client registered with it may hold (bounded by its issuer's scopes when issued). */
  @Column({ type: 'text', transformer: jsonArray })
  scopes: string[];

  @Column({ name: 'max_uses', type: 'int' })
  maxUses: number;

  @Column({ type: 'int', default: 0 })
  uses: number;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
