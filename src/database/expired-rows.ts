import { type FindOptionsWhere, LessThan, type ObjectLiteral, type Repository } from 'typeorm';

/**
 * Deletes a table's rows whose `expiresAt` has passed (by more than `keepMs`), at most once a
 * minute per process, called from a path that writes to the table anyway: no timer, and nothing
 * when nobody uses the feature. Every process does it; deleting twice is harmless.
 */
export class ExpiredRows<Entity extends ObjectLiteral & { expiresAt: Date }> {
  private lastRun = 0;

  constructor(
    private readonly repository: Repository<Entity>,
    private readonly keepMs = 0,
  ) {}

  /** `now`: the application clock's epoch milliseconds. */
  async prune(now: number): Promise<void> {
    if (now - this.lastRun < 60_000) return;
    this.lastRun = now;
    // Not through the UnitOfWork: rows no one can use any more, so nothing to audit or announce.
    await this.repository.delete({ expiresAt: LessThan(new Date(now - this.keepMs)) } as FindOptionsWhere<Entity>);
  }
}
