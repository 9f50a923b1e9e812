import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PersonalAccessTokenEntity } from './entities/personal-access-token.entity.js';
import { PersonalAccessTokenDirectoryModule } from './personal-access-token-directory.module.js';
import { PersonalAccessTokensController } from './personal-access-tokens.controller.js';
import { PersonalAccessTokensService } from './personal-access-tokens.service.js';

/** Users' personal access tokens: created, listed and revoked through the API or the account page. */
@Module({
  imports: [TypeOrmModule.forFeature([PersonalAccessTokenEntity]), PersonalAccessTokenDirectoryModule],
  controllers: [PersonalAccessTokensController],
  providers: [PersonalAccessTokensService],
  exports: [PersonalAccessTokensService, PersonalAccessTokenDirectoryModule],
})
export class PersonalAccessTokensModule {}
