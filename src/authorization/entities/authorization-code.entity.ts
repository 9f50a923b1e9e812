import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OAuthClientEntity } from '../../clients/entities/oauth-client.entity.js';
import { jsonArray } from '../../database/json-array.transformer.js';
import { UserEntity } from '../../users/entities/user.entity.js';

/** Whom a user token speaks for: the user, or (Polar's `sub_type=organization`) an organization the user picked. */
export type SubjectType = 'user' | 'organization';

/**
 * An authorization code, stored as its SHA-256: single use, bound to its client, redirect URI and
 * PKCE challenge. Kept (consumed) until it expires so that a second use is recognised and the
 * tokens issued from it are revoked.
 */
@Entity('authorization_code')
export class AuthorizationCodeEntity {
  @PrimaryColumn({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  @ManyToOne(() => OAuthClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_authorization_code_client' })
  client?: Relation<OAuthClientEntity>;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_authorization_code_user' })
  user?: Relation<UserEntity>;

  /** The organization the tokens are tied to. */
  @Column({ name: 'organization_id', type: 'varchar', length: 36 })
  organizationId: string;

  @Column({ name: 'subject_type', type: 'varchar', length: 16 })
  subjectType: SubjectType;

  @Column({ name: 'redirect_uri', type: 'varchar', length: 2000 })
  redirectUri: string;

  @Column({ type: 'text', transformer: jsonArray })
  scopes: string[];

  /** The resource (RFC 8707) the authorization request named; null when it named none. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  resource: string | null;

  /** PKCE S256 challenge (RFC 7636); null only for a confidential client that sent none. */
  @Column({ name: 'code_challenge', type: 'varchar', length: 128, nullable: true })
  codeChallenge: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  nonce: string | null;

  /** RFC 9449 §10's `dpop_jkt`: the DPoP key its redemption must prove; null when the authorization request named none. */
  @Column({ name: 'dpop_jkt', type: 'varchar', length: 43, nullable: true })
  dpopJkt: string | null;

  @Column({ name: 'auth_time', type: 'datetime', precision: 3 })
  authTime: Date;

  @Index('idx_authorization_code_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'consumed_at', type: 'datetime', precision: 3, nullable: true })
  consumedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
