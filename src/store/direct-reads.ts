/**
 * Reads that skip Kysely's executor on SQLite. Kysely takes each statement through its connection provider and
 * result pipeline, which costs more than running the statement: intake makes several reads an order on the request
 * thread. An executor the SQLite store has registered (a transaction or a read, which holds the one connection until
 * it ends) runs them as prepared statements on that connection, at once (better-sqlite3 is synchronous, as the
 * store's own statements are); any other executor (PostgreSQL, or one not registered) runs them through Kysely.
 * The rows are the same either way: the SQLite driver answers `all()` of the same statement, and the Kysely
 * instance has no result plugins.
 */
import type { CompiledQuery } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Executor } from './database.ts';

type Prepare = (text: string) => BetterSqlite3.Statement;

const direct = new WeakMap<Executor, Prepare>();

/** Lets `selectRows` run reads of `executor` directly through `prepare`: only for an executor that holds its connection. */
export function readDirectly<E extends Executor>(executor: E, prepare: Prepare): E {
  direct.set(executor, prepare);
  return executor;
}

/** Whether `executor` holds the connection (a transaction or a read the SQLite store registered). */
export function holdsConnection(executor: Executor): boolean {
  return direct.has(executor);
}

/** The rows of a select, run directly when its executor allows it. */
export async function selectRows<R>(db: Executor, query: { compile(): CompiledQuery<R>; execute(): Promise<R[]> }): Promise<R[]> {
  const prepare = direct.get(db);
  if (prepare === undefined) return query.execute();
  const { sql, parameters } = query.compile();
  return prepare(sql).all(parameters as unknown[]) as R[];
}
