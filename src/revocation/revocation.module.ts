import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RevokedTokenEntity } from './entities/revoked-token.entity.js';
import { RevocationList } from './revocation-list.js';

/** Revoked access tokens (RFC 7009). Global: the bearer guard of every module checks it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RevokedTokenEntity])],
  providers: [RevocationList],
  exports: [RevocationList, TypeOrmModule],
})
export class RevocationModule {}
