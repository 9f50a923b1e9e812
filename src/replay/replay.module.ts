import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsedTokenIdEntity } from './entities/used-token-id.entity.js';
import { UsedTokenIds } from './used-token-ids.js';

/** Replay protection for one-time identifiers (client assertions, DPoP proofs), shared by every instance through the database. */
@Module({
  imports: [TypeOrmModule.forFeature([UsedTokenIdEntity])],
  providers: [UsedTokenIds],
  exports: [UsedTokenIds],
})
export class ReplayModule {}
