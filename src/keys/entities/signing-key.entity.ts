import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A JWT signing key pair. Kept in the database so that every server process signs with, and
 * publishes, the same keys. The private key never leaves this table except into memory.
 */
@Entity('signing_key')
export class SigningKeyEntity {
  /** RFC 7638 thumbprint of the public key. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 16 })
  alg: string;

  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk: string;

  /** PKCS#8 PEM. */
  @Column({ name: 'private_key', type: 'text' })
  privateKey: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /** Set when a newer key took over signing; the key still verifies until its last token expires. */
  @Column({ name: 'retired_at', type: 'datetime', precision: 3, nullable: true })
  retiredAt: Date | null;
}
