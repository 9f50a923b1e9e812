import { Global, Module } from '@nestjs/common';
import { TokenPolicy } from './token-policy.js';

/**
 * The one token policy (lifespans, not-before, issuer, grant types). Its own low layer, because the
 * clients API (a client's grant types), the authorization endpoint and the token endpoint all read it.
 */
@Global()
@Module({
  providers: [TokenPolicy],
  exports: [TokenPolicy],
})
export class TokenPolicyModule {}
