import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { Clock } from '../common/clock.js';
import { canonicalEmail } from '../common/canonical-email.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';

/**
 * Replaces the administrator's password, for the start-up bootstrap (ADMIN_PASSWORD) and for the
 * operator's `gatehouse reset-admin-password`. Sessions and tokens from before are refused
 * (notBefore), as after any password change, and the change is audited and announced.
 */
@Injectable()
export class AdminPasswordService {
  constructor(
    @InjectRepository(UserEntity) private readonly repository: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** The account with that email, or null. */
  find(email: string): Promise<UserEntity | null> {
    return this.repository.findOneBy({ email: canonicalEmail(email) });
  }

  async replace(user: UserEntity, password: string, by: string): Promise<void> {
    const now = this.clock.date();
    const passwordHash = await this.hasher.hash(password);
    await this.unitOfWork.run(SYSTEM_ACTOR, async (change) => {
      await change.manager.update(UserEntity, { id: user.id }, { passwordHash, notBefore: now, updatedAt: now });
      await change.audit({ action: 'user.updated', targetType: 'user', targetId: user.id, organizationId: BUILT_IN_ORGANIZATION_ID, details: { password_changed: true, by } });
      change.announce({ kind: 'user', subject: user.id });
    });
  }
}
