import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A revoked token family (the tokens descending from one authorization code, named by its hash).
 * Every transaction that issues a token of a family checks this row after writing the token, so
 * a revocation racing an issuance leaves no token of the family alive, whichever commits first.
 */
@Entity('revoked_family')
export class RevokedFamilyEntity {
  @PrimaryColumn({ name: 'family_id', type: 'varchar', length: 64 })
  familyId: string;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3 })
  revokedAt: Date;

  /** When no token of the family can be presented any more (the longest refresh token lifespan from the revocation): then the row goes. */
  @Index('idx_revoked_family_expires_at')
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;
}
