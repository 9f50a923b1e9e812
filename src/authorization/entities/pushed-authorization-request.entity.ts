import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OAuthClientEntity } from '../../clients/entities/oauth-client.entity.js';
import { jsonArrayOf } from '../../database/json-array.transformer.js';

/**
 * An authorization request pushed to the PAR endpoint (RFC 9126), under the SHA-256 of its
 * request_uri: in the database, so that a request pushed to one instance can be presented at
 * another. Kept a while after it expires or is used, so that a second use is told it is one.
 */
@Entity('pushed_authorization_request')
export class PushedAuthorizationRequestEntity {
  @PrimaryColumn({ name: 'request_uri_hash', type: 'varchar', length: 64 })
  requestUriHash: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  @ManyToOne(() => OAuthClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_pushed_authorization_request_client' })
  client?: Relation<OAuthClientEntity>;

  /** The realm whose PAR endpoint took it; null for the server-wide one. Only that issuer's authorization endpoint accepts it. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  realm: string | null;

  /** The authorization request's parameters as pushed (only those the authorization endpoint reads), as name-value pairs. */
  @Column({ type: 'text', transformer: jsonArrayOf<[string, string]>() })
  parameters: [string, string][];

  @Index('idx_pushed_authorization_request_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  /** When the authorization endpoint first took it (the sign-in and consent that follow get more time). */
  @Column({ name: 'opened_at', type: 'datetime', precision: 3, nullable: true })
  openedAt: Date | null;

  @Column({ name: 'consumed_at', type: 'datetime', precision: 3, nullable: true })
  consumedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
