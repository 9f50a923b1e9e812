import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PersonalAccessTokenEntity } from './entities/personal-access-token.entity.js';
import { PersonalAccessTokenDirectory } from './personal-access-token-directory.js';

/** The personal access tokens table's cached read path, for the bearer verifier. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([PersonalAccessTokenEntity])],
  providers: [PersonalAccessTokenDirectory],
  exports: [PersonalAccessTokenDirectory],
})
export class PersonalAccessTokenDirectoryModule {}
