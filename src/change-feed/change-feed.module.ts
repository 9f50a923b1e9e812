import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChangeFeed } from './change-feed.js';
import { ChangeEventEntity } from './entities/change-event.entity.js';

/** Cross-process cache invalidation and revocation (see ChangeFeed). Global: every cache subscribes to it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ChangeEventEntity])],
  providers: [ChangeFeed],
  exports: [ChangeFeed],
})
export class ChangeFeedModule {}
