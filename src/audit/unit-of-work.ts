import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type ChangeEvent, ChangeFeed } from '../change-feed/change-feed.js';
import { type Actor } from './actor.js';
import { AuditEventEntity } from './entities/audit-event.entity.js';
import { Clock } from '../common/clock.js';
import { retryOnDeadlock } from '../database/deadlock-retry.js';

/** One audit event, as services describe it. `details` must never hold a secret or a token. */
export interface AuditEntry {
  readonly action: string;
  readonly targetType: 'client' | 'organization' | 'project' | 'user' | 'consent' | 'token' | 'personal-access-token' | 'signing-key' | 'table' | 'policy' | 'rule' | 'api' | 'role' | 'initial-access-token';
  readonly targetId: string;
  /** The organization whose administrators see this event (`null`: only the root client). */
  readonly organizationId: string | null;
  readonly details?: Record<string, unknown>;
}

/** A change in progress: its transaction, its audit events and the change-feed events it announces. */
export interface Change {
  readonly manager: EntityManager;
  audit(entry: AuditEntry): Promise<void>;
  /** Tells every server process (this one once the transaction commits) that something changed. */
  announce(event: ChangeEvent): void;
}

/**
 * The one way to write: a change, its audit events and its change-feed events commit together in
 * one transaction or not at all, so a failure leaves neither a change without its record nor a
 * record of a change that did not happen, and no other process keeps serving what changed.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly dataSource: DataSource,
    private readonly feed: ChangeFeed,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs `work` in one transaction; if the database rolls it back as a deadlock victim (on Galera,
   * also a write that lost certification to another node's, reported at COMMIT), runs it again
   * from the start: `work` must do nothing outside the transaction that cannot be done twice.
   */
  async run<T>(actor: Actor, work: (change: Change) => Promise<T>): Promise<T> {
    const { value, written } = await retryOnDeadlock(() => this.attempt(actor, work));
    this.feed.deliver(written);
    return value;
  }

  private attempt<T>(actor: Actor, work: (change: Change) => Promise<T>) {
    const announced: ChangeEvent[] = [];
    return this.dataSource.transaction(async (manager) => {
      const value = await work({
        manager,
        audit: (entry) => this.write(manager, actor, entry),
        announce: (event) => void announced.push(event),
      });
      return { value, written: await this.feed.write(manager, announced) };
    });
  }

  /** An event that goes with no change of our own (a token handed out, a lockout): the event is the only write. */
  record(actor: Actor, entry: AuditEntry): Promise<void> {
    return this.write(this.dataSource.manager, actor, entry);
  }

  private async write(manager: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    await manager.insert(AuditEventEntity, {
      occurredAt: this.clock.date(),
      actorType: actor.type,
      actorId: actor.id,
      organizationId: entry.organizationId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      sourceIp: actor.sourceIp ?? null,
      requestId: actor.requestId ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    });
  }
}
