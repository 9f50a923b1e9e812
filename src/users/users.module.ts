import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { AdminPasswordModule } from './admin-password.module.js';
import { AdminUserBootstrap } from './admin-user.bootstrap.js';
import { MembershipEntity } from './entities/membership.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { UserDirectoryModule } from './user-directory.module.js';
import { InvitationsController } from './invitations.controller.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

/** People: accounts, passwords and organization memberships, and the bootstrap administrator. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, MembershipEntity]), UserDirectoryModule, OrganizationsModule, AdminPasswordModule],
  controllers: [UsersController, InvitationsController],
  providers: [UsersService, AdminUserBootstrap],
  exports: [UsersService, AdminPasswordModule, UserDirectoryModule],
})
export class UsersModule {}
