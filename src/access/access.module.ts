import { Global, Module } from '@nestjs/common';
import { AccessPolicy } from './access-policy.js';

/** The policy point: every "may this caller do this to that target" is answered here. Global, as every guarded route asks it. */
@Global()
@Module({
  providers: [AccessPolicy],
  exports: [AccessPolicy],
})
export class AccessModule {}
