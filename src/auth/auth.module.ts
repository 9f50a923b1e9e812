import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OAuthClientEntity } from '../clients/entities/oauth-client.entity.js';
import { KeysModule } from '../keys/keys.module.js';
import { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import { PersonalAccessTokenEntity } from '../personal-access-tokens/entities/personal-access-token.entity.js';
import { MembershipEntity } from '../users/entities/membership.entity.js';
import { UserEntity } from '../users/entities/user.entity.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { BasicClientStrategy } from './basic-client.strategy.js';
import { BearerTokenGuard } from './bearer-token.guard.js';
import { ClientCredentialsAuthenticator } from './client-credentials.authenticator.js';
import { ClientDirectory } from './client-directory.js';
import { ClientLockout } from './client-lockout.js';
import { ClientSecretHasher } from './client-secret-hasher.js';
import { OrganizationDirectory } from './organization-directory.js';
import { PersonalAccessTokenDirectory } from './personal-access-token-directory.js';
import { UserDirectory } from './user-directory.js';

/**
 * Who is calling: clients (and their organizations, and the users they act for) by their credentials (token endpoint) and by their access tokens
 * (`@Authenticated` routes). Global, because every module with a guarded route needs it.
 */
@Global()
@Module({
  imports: [PassportModule, KeysModule, TypeOrmModule.forFeature([OAuthClientEntity, OrganizationEntity, UserEntity, MembershipEntity, PersonalAccessTokenEntity])],
  providers: [ClientLockout, ClientDirectory, OrganizationDirectory, UserDirectory, PersonalAccessTokenDirectory, ClientSecretHasher, ClientCredentialsAuthenticator, BasicClientStrategy, AccessTokenVerifier, BearerTokenGuard],
  exports: [ClientLockout, ClientDirectory, OrganizationDirectory, UserDirectory, ClientSecretHasher, ClientCredentialsAuthenticator, AccessTokenVerifier, BearerTokenGuard, KeysModule],
})
export class AuthModule {}
