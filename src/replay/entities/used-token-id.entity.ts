import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A one-time identifier that has been presented (a client assertion's or a DPoP proof's `jti`),
 * kept until the credential carrying it could no longer be accepted anyway. The key is a digest
 * of the kind, the issuer and the `jti`: bounded in length, one canonical form, nothing secret.
 */
@Entity('used_token_id')
export class UsedTokenIdEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Index('idx_used_token_id_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;
}
