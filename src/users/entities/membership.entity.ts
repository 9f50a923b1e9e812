import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';
import { UserEntity } from './user.entity.js';

export const MEMBERSHIP_ACTIVE = 'active';
export const MEMBERSHIP_INVITED = 'invited';
export type MembershipStatus = typeof MEMBERSHIP_ACTIVE | typeof MEMBERSHIP_INVITED;

/** A user's place in an organization: `member`, one of the permissions clients also hold, or a role the organization defines. */
@Entity('organization_membership')
export class MembershipEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Index('idx_membership_organization')
  @PrimaryColumn({ name: 'organization_id', type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_membership_user' })
  user?: Relation<UserEntity>;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_membership_organization' })
  organization?: Relation<OrganizationEntity>;

  /** `member`, a built-in permission, or the name of one of the organization's own roles. */
  @Column({ type: 'varchar', length: 64 })
  role: string;

  /** `invited` until the account holder accepts (an invitation gives nothing: see UserDirectory), then `active`. */
  @Column({ type: 'varchar', length: 16, default: MEMBERSHIP_ACTIVE })
  status: MembershipStatus;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /** SHA-256 (hex) of the invitation's one-time code, which accepting needs; null once accepted, and for active memberships. */
  @Column({ name: 'invitation_code_hash', type: 'varchar', length: 64, nullable: true })
  invitationCodeHash?: string | null;

  @Column({ name: 'invitation_expires_at', type: 'datetime', precision: 3, nullable: true })
  invitationExpiresAt?: Date | null;
}
