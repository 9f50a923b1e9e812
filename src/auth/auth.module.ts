import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ApiDirectoryModule } from '../apis/api-directory.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { ReplayModule } from '../replay/replay.module.js';
import { DpopProofs } from './dpop-proofs.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { BasicClientStrategy } from './basic-client.strategy.js';
import { BearerTokenGuard } from './bearer-token.guard.js';
import { ClientCredentialsAuthenticator } from './client-credentials.authenticator.js';
import { ClientAssertionVerifier } from './client-assertion.verifier.js';
import { ClientKeySets } from './client-key-sets.js';

/**
 * Who is calling: clients by their credentials or assertions (token endpoint) and callers by their access tokens
 * (`@Authenticated` routes, through the global BearerTokenGuard), with their DPoP proofs (RFC 9449). It reads clients, organizations,
 * users and personal access tokens through their own modules' directories and registers no entity.
 * Global, because the token and authorization endpoints authenticate in several modules.
 */
@Global()
@Module({
  imports: [PassportModule, KeysModule, ApiDirectoryModule, ReplayModule],
  providers: [ClientCredentialsAuthenticator, ClientAssertionVerifier, ClientKeySets, BasicClientStrategy, AccessTokenVerifier, DpopProofs, BearerTokenGuard, { provide: APP_GUARD, useExisting: BearerTokenGuard }],
  exports: [ClientCredentialsAuthenticator, AccessTokenVerifier, DpopProofs],
})
export class AuthModule {}
