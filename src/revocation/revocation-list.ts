import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, MoreThan, type Repository } from 'typeorm';
import { ChangeFeed } from '../change-feed/change-feed.js';
import { RevokedTokenEntity } from './entities/revoked-token.entity.js';
import { Clock } from '../common/clock.js';

const PRUNE_EVERY_MS = 60_000;

/**
 * The `jti`s of revoked access tokens that have not expired yet, in memory, so that the bearer
 * guard checks revocation without a database round trip. Filled from `revoked_token` at start,
 * then kept current by the change feed; a token leaves the list when it would have expired
 * anyway. Its size is bounded by the revocations made within one token lifespan.
 */
@Injectable()
export class RevocationList implements OnApplicationBootstrap, OnApplicationShutdown {
  /** jti → when the token expires (ms). */
  private readonly revoked = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly logger = new Logger(RevocationList.name);

  constructor(
    @InjectRepository(RevokedTokenEntity) private readonly repository: Repository<RevokedTokenEntity>,
    feed: ChangeFeed,
    private readonly clock: Clock,
  ) {
    feed.subscribe('token-revoked', (event) => this.add(event.subject, event.expiresAt));
  }

  has(jti: string): boolean {
    return this.revoked.has(jti);
  }

  get size(): number {
    return this.revoked.size;
  }

  add(jti: string, expiresAt: Date | undefined): void {
    // Without a known expiry (never written so), keep it a day: longer than any token lives.
    this.revoked.set(jti, expiresAt?.getTime() ?? this.clock.now() + 86_400_000);
  }

  async onApplicationBootstrap(): Promise<void> {
    const rows = await this.repository.find({ select: { jti: true, expiresAt: true }, where: { expiresAt: MoreThan(this.clock.date()) } });
    for (const row of rows) this.add(row.jti, row.expiresAt);
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Forgets tokens that have expired anyway, here and in the table (every process does it; deleting twice is harmless). */
  async prune(): Promise<void> {
    const now = this.clock.now();
    for (const [jti, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(jti);
    try {
      // Not through the UnitOfWork: expired-row cleanup, nothing to audit or announce.
      await this.repository.delete({ expiresAt: LessThan(new Date(now)) });
    } catch (error) {
      this.logger.warn(`Could not prune expired revoked tokens: ${(error as Error).message}`);
    }
  }
}
