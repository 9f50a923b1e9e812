import { type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';

/**
 * Makes a read inside a transaction a locking read where the engine has row locks (MariaDB:
 * `LOCK IN SHARE MODE` / `FOR UPDATE`), so that it sees the latest committed rows and waits for
 * uncommitted ones instead of reading the transaction's snapshot. SQLite has no row locks and
 * needs none: a transaction there holds the database's single write lock from its start.
 */
export function lockingRead<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, mode: 'pessimistic_read' | 'pessimistic_write'): SelectQueryBuilder<T> {
  const type = query.connection.options.type;
  return type === 'mariadb' || type === 'mysql' ? query.setLock(mode) : query;
}
