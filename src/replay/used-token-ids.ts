import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { retryOnDeadlock } from '../database/deadlock-retry.js';
import { ExpiredRows } from '../database/expired-rows.js';
import { insertIfAbsentNow } from '../database/insert-if-absent.js';
import { UsedTokenIdEntity } from './entities/used-token-id.entity.js';

/** What carried the identifier: each kind is its own namespace, so a DPoP proof's `jti` never collides with an assertion's. */
export type TokenIdKind = 'client-assertion' | 'dpop-proof';

/**
 * Single use of `jti`s across every instance (RFC 7523 §3 item 7, RFC 9449 §11.1): the first
 * claim of an identifier wins, by a primary-key insert in the shared database, so two instances
 * presented the same assertion at once cannot both accept it. Claim only after every other check
 * of the credential has passed: a forged or expired one must not use up the identifier of the
 * real one.
 */
@Injectable()
export class UsedTokenIds {
  private readonly expired: ExpiredRows<UsedTokenIdEntity>;

  constructor(
    @InjectRepository(UsedTokenIdEntity) private readonly repository: Repository<UsedTokenIdEntity>,
    private readonly clock: Clock,
  ) {
    this.expired = new ExpiredRows(repository);
  }

  /**
   * True the first time `jti` is claimed for this kind and issuer, false ever after (until
   * `expiresAt`, when the credential is refused for its age anyway and the row may be pruned).
   */
  async claim(kind: TokenIdKind, issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    const id = createHash('sha256').update(`${kind}\0${issuer}\0${jti}`, 'utf8').digest('hex');
    // Two nodes of a Galera cluster inserting the same key both succeed locally; the loser's commit
    // fails as a deadlock, and run again it finds the winner's row.
    const claimed = await retryOnDeadlock(() => insertIfAbsentNow(this.repository.manager.connection, UsedTokenIdEntity, { id, kind, expiresAt }));
    await this.expired.prune(this.clock.now());
    return claimed;
  }
}
