import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { jsonArray } from '../../database/json-array.transformer.js';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';

/**
 * A role an organization defines: a named bundle of scopes (Gatehouse's and its APIs'), which its
 * clients hold as a permission and its users as their role, next to the built-in ones.
 */
@Entity('organization_role')
@Index('uq_organization_role_name', ['organizationId', 'name'], { unique: true })
export class RoleEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_organization_role_organization' })
  organization?: Relation<OrganizationEntity>;

  /** What clients' permissions and users' memberships name it by: fixed once created. */
  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 1000 })
  description: string;

  /** Scope names and trailing-wildcard patterns (`orders:*`), as defined: patterns are expanded when the role is resolved. */
  @Column({ type: 'text', transformer: jsonArray })
  scopes: string[];

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
