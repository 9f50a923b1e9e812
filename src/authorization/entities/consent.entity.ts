import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { OAuthClientEntity } from '../../clients/entities/oauth-client.entity.js';
import { jsonArray } from '../../database/json-array.transformer.js';
import { UserEntity } from '../../users/entities/user.entity.js';

/** The scopes a user has allowed a client: asked again only for scopes beyond these. */
@Entity('consent')
export class ConsentEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId: string;

  @Index('idx_consent_client')
  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 64 })
  clientId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_consent_user' })
  user?: Relation<UserEntity>;

  @ManyToOne(() => OAuthClientEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'fk_consent_client' })
  client?: Relation<OAuthClientEntity>;

  @Column({ type: 'text', transformer: jsonArray })
  scopes: string[];

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
