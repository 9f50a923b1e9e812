import { Global, Module } from '@nestjs/common';
import { ClientLockout, UserSignInLockout, InvitationCodeLockout } from './client-lockout.js';

/**
 * Failed-credential counters. Their own module below clients, users and auth: the authenticator
 * counts a client's failures, the sign-in page a user's, and the clients API shows and clears them.
 */
@Global()
@Module({
  providers: [ClientLockout, UserSignInLockout, InvitationCodeLockout],
  exports: [ClientLockout, UserSignInLockout, InvitationCodeLockout],
})
export class LockoutModule {}
