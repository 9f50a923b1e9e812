/** Attempts in all: losing to the same other writer several times in a row is already rare. */
const ATTEMPTS = 4;

/**
 * Runs a transaction again when MariaDB chose it as the victim of a deadlock (it rolled the whole
 * transaction back, so running it again is safe). Two transactions on one token family lock its
 * rows in different orders (an issuer: the token it spends, then the family's index where it
 * inserts; a revocation: the family's index, then each token), and InnoDB breaks the cycle by
 * rolling one back; run again, it sees what the other committed. On Galera the same error (1213)
 * also reports a transaction that lost certification to a conflicting write committed through
 * another node, at COMMIT: it is retried the same way. SQLite never deadlocks here: its
 * transactions take turns.
 */
export async function retryOnDeadlock<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isDeadlock(error)) throw error;
    }
  }
}

function isDeadlock(error: unknown): boolean {
  return (error as { driverError?: { code?: unknown } }).driverError?.code === 'ER_LOCK_DEADLOCK';
}
