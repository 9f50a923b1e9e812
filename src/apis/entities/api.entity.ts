import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { jsonArrayOf } from '../../database/json-array.transformer.js';
import { OrganizationEntity } from '../../organizations/entities/organization.entity.js';

/** One scope of an API: its name, and the words the consent page shows for it. */
export interface ApiScope {
  readonly name: string;
  readonly description: string;
}

/**
 * An API (resource server) an organization protects with Gatehouse: Auth0's "API", RFC 8707's
 * resource. Its identifier becomes the `aud` of the tokens issued for it.
 */
@Entity('api_resource')
@Index('uq_api_resource_identifier', ['organizationId', 'identifier'], { unique: true })
export class ApiEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 36 })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_api_resource_organization' })
  organization?: Relation<OrganizationEntity>;

  /** An absolute URI, stored exactly as given: it is compared byte for byte with `resource` and `aud`. */
  @Column({ type: 'varchar', length: 255 })
  identifier: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Few, always read whole (see jsonArray). */
  @Column({ type: 'text', transformer: jsonArrayOf<ApiScope>() })
  scopes: ApiScope[];

  /** Seconds; `null`: the client's or organization's lifespan applies. */
  @Column({ name: 'access_token_lifespan_seconds', type: 'int', nullable: true })
  accessTokenLifespanSeconds: number | null;

  /** `null`: the server's algorithm. Only that algorithm is accepted today (see the DTO). */
  @Column({ name: 'signing_algorithm', type: 'varchar', length: 16, nullable: true })
  signingAlgorithm: string | null;

  @Column({ name: 'require_project_scoped_tokens', type: 'boolean', default: false })
  requireProjectScopedTokens: boolean;

  /** The organization's default API: what a token request naming no API, and no scope of another, is for. One per organization at most. */
  @Column({ name: 'is_default', type: 'boolean', default: false })
  isDefault: boolean;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
