import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A person who signs in (table `user_account`: `user` is reserved in SQL). */
@Entity('user_account')
@Index('uq_user_account_email', ['email'], { unique: true })
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** Stored in canonical form (trimmed, NFC, lower-case: see canonicalEmail), and compared exactly. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  /** See PasswordHasher: scrypt, never the password. */
  @Column({ name: 'password_hash', type: 'varchar', length: 256 })
  passwordHash: string;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified: boolean;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  /** Tokens and sessions from before this instant are refused (set on a password change or when disabled). */
  @Column({ name: 'not_before', type: 'datetime', precision: 3, nullable: true })
  notBefore: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
