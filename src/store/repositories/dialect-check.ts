import { SqliteAdapter } from 'kysely';
import type { Executor } from '../database.ts';

/** True on SQLite (the webhook repositories' few dialect differences: no row locks, no statistics, no async commit). */
export function isSqlite(db: Executor): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}
