import { type DataSource, type EntityManager, type EntityTarget, type ObjectLiteral, type QueryDeepPartialEntity, type QueryResult } from 'typeorm';

/**
 * Inserts a row unless one with its key exists (INSERT IGNORE / INSERT OR IGNORE), in the
 * caller's transaction; true if it was inserted. Unlike a read-then-insert, two concurrent
 * callers cannot both see "absent" (and on MariaDB no gap lock is taken that could deadlock them).
 */
export async function insertIfAbsent<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, values: QueryDeepPartialEntity<T>): Promise<boolean> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('insertIfAbsent runs in a transaction');
  const [sql, parameters] = manager.createQueryBuilder().insert().into(entity).values(values).orIgnore().getQueryAndParameters();
  const result = (await runner.query(sql, parameters, true)) as QueryResult;
  return (result.affected ?? 0) > 0;
}

/**
 * The same as a change of its own: one INSERT IGNORE, which is atomic by itself, so on MariaDB it
 * runs without BEGIN and COMMIT (a third of the round trips). SQLite shares one connection among
 * all requests: a statement sent outside a transaction would join whichever transaction is open
 * on it, and be rolled back with it, so there it still takes its turn as a transaction.
 */
export async function insertIfAbsentNow<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, values: QueryDeepPartialEntity<T>): Promise<boolean> {
  if (dataSource.options.type === 'better-sqlite3') return dataSource.manager.transaction((manager) => insertIfAbsent(manager, entity, values));
  const [sql, parameters] = dataSource.createQueryBuilder().insert().into(entity).values(values).orIgnore().getQueryAndParameters();
  const runner = dataSource.createQueryRunner();
  try {
    const result = (await runner.query(sql, parameters, true)) as QueryResult;
    return (result.affected ?? 0) > 0;
  } finally {
    await runner.release();
  }
}
