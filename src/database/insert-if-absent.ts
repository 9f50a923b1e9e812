import { type EntityManager, type EntityTarget, type ObjectLiteral, type QueryDeepPartialEntity, type QueryResult } from 'typeorm';

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
