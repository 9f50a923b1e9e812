import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoleDirectoryModule } from '../roles/role-directory.module.js';
import { MembershipEntity } from './entities/membership.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { UserDirectory } from './user-directory.js';

/** The users and memberships tables' cached read path. Global, because every user token reads it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, MembershipEntity]), RoleDirectoryModule],
  providers: [UserDirectory],
  exports: [UserDirectory],
})
export class UserDirectoryModule {}
