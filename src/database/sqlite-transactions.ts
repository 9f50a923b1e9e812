import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { type DataSource, type EntityManager } from 'typeorm';

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY (as better-sqlite3's own default). */
const BUSY_TIMEOUT_MS = 5000;
const BEGIN = 'BEGIN TRANSACTION';

const queues = new WeakMap<DataSource, { waiting: number }>();

/** How many of this process's transactions are waiting for their turn (0 on MariaDB): tests wait for a transaction to be blocked through it. */
export function waitingSqliteTransactions(dataSource: DataSource): number {
  return queues.get(dataSource)?.waiting ?? 0;
}

/**
 * SQLite through TypeORM has one connection per process, shared by every request: two
 * transactions begun at once would interleave on it (the second becoming a savepoint of the
 * first, committed or rolled back with it), so neither would be isolated. This makes a process's
 * transactions take turns: each waits for the one before it to end. A transaction started from
 * inside another (the same async context) nests as before.
 *
 * Each transaction also begins IMMEDIATE, taking the database's write lock at once: other
 * processes on the same file (workers, instances) wait for it, and a transaction that reads
 * before it writes cannot fail because another process wrote in between. That wait is
 * asynchronous (a retry after a few milliseconds) rather than better-sqlite3's busy handler,
 * which would block the event loop, and with it every other request of the process, meanwhile.
 */
export function serializeSqliteTransactions(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  const inTransaction = new AsyncLocalStorage<true>();
  let previous: Promise<unknown> = Promise.resolve();
  const queue = { waiting: 0 };
  queues.set(dataSource, queue);
  manager.transaction = ((...args: unknown[]) => {
    if (inTransaction.getStore()) return transaction(...args);
    queue.waiting += 1;
    const turn = previous.then(() => {
      queue.waiting -= 1;
      return inTransaction.run(true, () => transaction(...args));
    });
    previous = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }) as EntityManager['transaction'];

  (dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection.pragma('busy_timeout = 0');
  const runner = dataSource.driver.createQueryRunner('master');
  const query = runner.query.bind(runner) as (sql: string, ...rest: unknown[]) => Promise<unknown>;
  runner.query = (async (sql: string, ...rest: unknown[]) => {
    const statement = sql === BEGIN ? 'BEGIN IMMEDIATE TRANSACTION' : sql;
    // Only a statement that holds no lock yet may wait: BEGIN, or one outside any transaction.
    const mayWait = sql === BEGIN || !runner.isTransactionActive;
    // Real elapsed time, not the application clock: this bounds how long we wait for another writer.
    const deadline = performance.now() + BUSY_TIMEOUT_MS;
    for (;;) {
      try {
        return await query(statement, ...rest);
      } catch (error) {
        if (!mayWait || !isBusy(error) || performance.now() > deadline) throw error;
        await delay(2 + Math.random() * 8);
      }
    }
  }) as typeof runner.query;
}

function isBusy(error: unknown): boolean {
  const code = (error as { driverError?: { code?: unknown } }).driverError?.code;
  return code === 'SQLITE_BUSY';
}
