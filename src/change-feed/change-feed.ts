import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, LessThan, type Repository } from 'typeorm';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { ChangeEventEntity } from './entities/change-event.entity.js';
import { Clock } from '../common/clock.js';

/** What changed. Listeners only ever drop or add in-memory state, so applying an event twice is harmless. */
export type ChangeKind = 'client' | 'organization' | 'project' | 'user' | 'token-revoked' | 'personal-access-token' | 'api' | 'role';

export interface ChangeEvent {
  readonly kind: ChangeKind;
  /** A client, organization, project or user id, a token's `jti`, a personal access token's hash, or the organization id whose APIs (`api`) or roles (`role`) changed. */
  readonly subject: string;
  readonly expiresAt?: Date;
}

type Listener = (event: ChangeEvent) => void;

/** Events recorded in a transaction, with the row ids they got, ready to `deliver` once it commits. */
export interface WrittenEvents {
  readonly events: readonly ChangeEvent[];
  readonly ids: readonly number[];
  readonly writtenAt: number;
}

/**
 * Events are read again for this long after they were written. Auto-increment ids are handed out
 * when a row is inserted but become visible when its transaction commits, so a lower id can
 * appear after a higher one has been read; the look-back catches it. Transactions here last
 * milliseconds, and the window also absorbs a few seconds of clock skew between servers.
 */
const LOOK_BACK_MS = 10_000;
/** Rows older than this are deleted: no process needs them any more (state lives in its own tables). */
const RETENTION_MS = 10 * 60_000;
const PRUNE_EVERY_MS = 60_000;
const MAX_EVENTS_PER_POLL = 10_000;

/**
 * Carries changes between server processes sharing one database. A change is written to the
 * `change_event` table in the same transaction as the change itself (`write`), applied on this
 * process as soon as that transaction commits (`deliver`), and picked up by every other process
 * at its next poll, CHANGE_FEED_POLL_MS later at most. That poll, one indexed query, is the only
 * cost: the hot paths (token endpoint, bearer guard) read memory only.
 */
@Injectable()
export class ChangeFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeFeed.name);
  private readonly listeners = new Map<ChangeKind, Listener[]>();
  /** Ids already applied here, with when they were written, kept for the look-back window. */
  private readonly applied = new Map<number, number>();
  private watermark = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private lastPrune: number;
  private failing = false;

  constructor(
    @InjectRepository(ChangeEventEntity) private readonly repository: Repository<ChangeEventEntity>,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {
    this.lastPrune = clock.now();
  }

  subscribe(kind: ChangeKind, listener: Listener): void {
    this.listeners.set(kind, [...(this.listeners.get(kind) ?? []), listener]);
  }

  /** Records `events` in the caller's transaction; call `deliver` with them once it has committed. */
  async write(manager: EntityManager, events: readonly ChangeEvent[]): Promise<WrittenEvents> {
    const createdAt = this.clock.date();
    const ids: number[] = [];
    // One row at a time: a change announces one or two events, and only a single-row insert
    // reports its id the same way on SQLite and MariaDB.
    for (const event of events) {
      const result = await manager.insert(ChangeEventEntity, { kind: event.kind, subject: event.subject, expiresAt: event.expiresAt ?? null, createdAt });
      ids.push(Number(result.identifiers[0]?.id));
    }
    return { events, ids, writtenAt: createdAt.getTime() };
  }

  /**
   * Applies committed events on this process at once, without waiting for the next poll, and
   * marks them applied so that the poll does not apply them a second time (a second
   * invalidation would only cost a cache miss, but a needless one).
   */
  deliver(written: WrittenEvents): void {
    for (const id of written.ids) this.applied.set(id, written.writtenAt);
    for (const event of written.events) this.apply(event);
  }

  /** Applies the events written since the last poll (and within the look-back window) that are new here. */
  poll(): Promise<void> {
    this.polling ??= this.catchUp().finally(() => (this.polling = undefined));
    return this.polling;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Start from the newest event: what happened before is already in the tables this process
    // reads at start (and the look-back window covers what commits meanwhile).
    const newest = await this.repository.createQueryBuilder('event').select('MAX(event.id)', 'id').getRawOne<{ id: number | string | null }>();
    this.watermark = Number(newest?.id ?? 0);
    this.timer = setInterval(() => void this.poll(), this.config.changeFeedPollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }

  /** Applies the events written since the last poll (and within the look-back window), and deletes those past retention. */
  private async catchUp(): Promise<void> {
    const now = this.clock.now();
    try {
      const rows = await this.repository
        .createQueryBuilder('event')
        .where('event.id > :watermark OR event.created_at >= :since', { watermark: this.watermark, since: new Date(now - LOOK_BACK_MS) })
        .orderBy('event.id', 'ASC')
        .limit(MAX_EVENTS_PER_POLL)
        .getMany();
      for (const row of rows) {
        if (this.applied.has(row.id)) continue;
        this.applied.set(row.id, row.createdAt.getTime());
        this.watermark = Math.max(this.watermark, row.id);
        this.apply({ kind: row.kind as ChangeKind, subject: row.subject, ...(row.expiresAt && { expiresAt: row.expiresAt }) });
      }
      for (const [id, createdAt] of this.applied) if (createdAt < now - 2 * LOOK_BACK_MS) this.applied.delete(id);
      if (now - this.lastPrune > PRUNE_EVERY_MS) {
        this.lastPrune = now;
        // Not through the UnitOfWork: the feed's own retention, which no process needs announced.
        await this.repository.delete({ createdAt: LessThan(new Date(now - RETENTION_MS)) });
      }
      if (this.failing) this.logger.log('The change feed is readable again');
      this.failing = false;
    } catch (error) {
      // Logged once per outage, not at every poll.
      if (!this.failing) this.logger.warn(`Cannot read the change feed: ${(error as Error).message}`);
      this.failing = true;
    }
  }

  private apply(event: ChangeEvent): void {
    for (const listener of this.listeners.get(event.kind) ?? []) listener(event);
  }
}
