import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An access token revoked before its expiry (RFC 7009), by its `jti`. Never the token itself. */
@Entity('revoked_token')
export class RevokedTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  jti: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 36 })
  organizationId: string;

  /** The token's own `exp`: after it the row is pruned, the token being refused anyway. */
  @Index('idx_revoked_token_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3 })
  revokedAt: Date;
}
