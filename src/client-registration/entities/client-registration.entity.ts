import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { jsonArray } from '../../database/json-array.transformer.js';
import { OAuthClientEntity } from '../../clients/entities/oauth-client.entity.js';

/**
 * A client registered at the registration endpoint (RFC 7591): what RFC 7592 management needs,
 * and the registered metadata the client model has no column for. Goes with its client.
 */
@Entity('client_registration')
@Index('uq_client_registration_token_hash', ['registrationTokenHash'], { unique: true })
export class ClientRegistrationEntity {
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  @OneToOne(() => OAuthClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_client_registration_client' })
  client?: Relation<OAuthClientEntity>;

  /** SHA-256 of the registration access token (RFC 7592): the token itself is never stored. */
  @Column({ name: 'registration_token_hash', type: 'varchar', length: 64 })
  registrationTokenHash: string;

  /** `client_secret_basic`, `client_secret_post` (both accepted from a confidential client) or `none`. */
  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 32 })
  tokenEndpointAuthMethod: string;

  /**
   * The scopes the registering principal held and granted at registration: an update through
   * RFC 7592 chooses among these (and what the client holds now), never more.
   */
  @Column({ name: 'max_scopes', type: 'text', transformer: jsonArray })
  maxScopes: string[];

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
