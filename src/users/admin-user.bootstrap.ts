import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { SYSTEM_ACTOR } from '../audit/actor.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { UsersService } from './users.service.js';
import { AdminPasswordService } from './admin-password.service.js';
import { PLATFORM_ADMINISTRATOR } from '../scopes/permissions.js';

/**
 * The first person who can sign in: ADMIN_EMAIL / ADMIN_PASSWORD, a platform administrator
 * (administer-platform) of the built-in organization, so that the console can create the first
 * organizations without the root client's secret. Unset outside production, the account is
 * generated on first start and its password printed once. An account that exists already keeps
 * its role: a server upgraded from before the role existed raises nobody by itself. A configured password that no longer matches replaces the
 * stored one, so operators can recover the account by configuration.
 */
@Injectable()
export class AdminUserBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminUserBootstrap.name);

  constructor(
    @InjectRepository(UserEntity) private readonly repository: Repository<UserEntity>,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly adminPassword: AdminPasswordService,
    private readonly config: GatehouseConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { email, password } = this.config.admin;
    const existing = await this.repository.findOneBy({ email });
    if (!existing) {
      const chosen = password ?? randomBytes(18).toString('base64url');
      await this.users.createAccount(SYSTEM_ACTOR, { email, password: chosen, name: 'Administrator', emailVerified: true }, BUILT_IN_ORGANIZATION_ID, PLATFORM_ADMINISTRATOR.name);
      if (password === undefined) this.announce(email, chosen);
      else this.logger.log(`Administrator ${email} created (from ADMIN_EMAIL)`);
      return;
    }
    if (password !== undefined && !(await this.hasher.verify(password, existing.passwordHash))) {
      await this.adminPassword.replace(existing, password, 'ADMIN_PASSWORD');
      this.logger.log(`Administrator ${email}: password changed to the configured one`);
    }
  }

  /** Written to stdout, not the logger: this one message carries a password, once, on purpose. */
  private announce(email: string, password: string): void {
    process.stdout.write(
      [
        '',
        'Gatehouse created an administrator account. This is the only time its password is shown.',
        `  ADMIN_EMAIL=${email}`,
        `  ADMIN_PASSWORD=${password}`,
        `Sign in at ${this.config.issuer}/oauth2/sign-in (set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own; required with NODE_ENV=production).`,
        '',
        '',
      ].join('\n'),
    );
  }
}
