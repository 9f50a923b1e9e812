import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminPasswordService } from './admin-password.service.js';
import { UserEntity } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';

/**
 * Password hashing and the administrator's password, on their own so that
 * `gatehouse reset-admin-password` needs no more of the server. One PasswordHasher for the
 * process: its concurrency limit only holds if everyone shares it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [PasswordHasher, AdminPasswordService],
  exports: [PasswordHasher, AdminPasswordService],
})
export class AdminPasswordModule {}
