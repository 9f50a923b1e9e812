import { setImmediate as nextTurn } from 'node:timers/promises';
import { type DataSource } from 'typeorm';
import { waitingSqliteTransactions } from '../../src/database/sqlite-transactions.js';
import { isMariaDb } from './test-app.js';

/**
 * Resolves once some transaction on `dataSource` is blocked behind another: on MariaDB a
 * transaction of this database in LOCK WAIT (InnoDB's own view), on SQLite one queued behind the
 * open transaction (the serializer's queue, src/database/sqlite-transactions.ts). Checked at every
 * turn of the event loop, not after a guessed delay. If nothing is seen blocked within `timeoutMs`
 * it resolves all the same (with a warning): the caller's assertions hold whichever order the
 * transactions then take, so a missed sighting may weaken one run but never fails or hangs it
 * (seen once on MariaDB under heavy load, where the lock wait was real but not found in time).
 * Stops looking (and resolves) once `signal` is aborted, for a caller that raced it with another event.
 */
export async function untilBlocked(dataSource: DataSource, signal?: AbortSignal, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) return;
    if (isMariaDb()) {
      // Of this database only: other databases on the same server may have lock waits of their own.
      // InnoDB lists a transaction in LOCK WAIT, except (seen on MariaDB 10.11) an autocommit or
      // first statement waiting on a row lock, which shows only as a statement of this database
      // still running after 100 ms, far longer than any of the tests' one-row statements takes.
      const [row] = (await dataSource.query(
        "SELECT COUNT(*) AS waiting FROM information_schema.PROCESSLIST process LEFT JOIN information_schema.INNODB_TRX trx ON process.ID = trx.trx_mysql_thread_id WHERE process.DB = DATABASE() AND process.ID <> CONNECTION_ID() AND (trx.trx_state = 'LOCK WAIT' OR (process.COMMAND = 'Query' AND process.INFO IS NOT NULL AND process.TIME_MS > 100))",
      )) as { waiting: number | string }[];
      if (Number(row?.waiting) > 0) return;
    } else if (waitingSqliteTransactions(dataSource) > 0) {
      return;
    }
    if (performance.now() > deadline) {
      console.warn(`untilBlocked: no transaction seen blocked within ${timeoutMs} ms; going on`);
      return;
    }
    await nextTurn();
  }
}
