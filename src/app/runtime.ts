/**
 * A use-case context on a database, for CLI commands that need neither HTTP nor jobs (`keys`, `atp`,
 * `migrate`). The database is migrated first; with `mustExist`, a SQLite file that is not there yet is an
 * error rather than a new empty database (a command run in the wrong folder should say so).
 */
import fs from 'node:fs';
import { sql } from 'kysely';
import path from 'node:path';
import type { AppContext } from './context.ts';
import type { Clock } from './clock.ts';
import { AppError } from './errors.ts';
import { ManualClock, systemClock } from './clock.ts';
import { IdGenerator } from './ids.ts';
import { storedManualTime } from './clock-control.ts';
import { noopMetrics } from './metrics.ts';
import { isPostgresUrl, openDatabase } from '../store/database.ts';
import type { Database } from '../store/database.ts';

export interface RuntimeOptions {
  readonly databaseUrl: string;
  readonly manualClock: boolean;
  readonly mustExist?: boolean;
}

export { isPostgresUrl };

/** How long a command waits to reach PostgreSQL before it says it cannot. */
export const COMMAND_CONNECT_TIMEOUT_MS = 10_000;

/** A database as messages name it: a SQLite path as given when absolute, else from here; PostgreSQL by its variable. */
const shownDatabase = (databaseUrl: string): string =>
  isPostgresUrl(databaseUrl) ? 'the database at DATABASE_URL' : path.isAbsolute(databaseUrl) ? databaseUrl : path.relative(process.cwd(), path.resolve(databaseUrl)) || databaseUrl;

/** A SQLite database file that is not there, as one sentence; null when there is one (or it is PostgreSQL). */
export function missingDatabase(databaseUrl: string): string | null {
  if (isPostgresUrl(databaseUrl) || databaseUrl === ':memory:') return null;
  const start = 'start the demo (npm start) or the service (npx holdfast serve) first, or set DATABASE_URL';
  const stat = fs.statSync(databaseUrl, { throwIfNoEntry: false });
  if (stat === undefined) return `there is no database at ${shownDatabase(databaseUrl)}; ${start}`;
  // A file Holdfast never wrote (opening it would make it a database).
  if (stat.isFile() && stat.size === 0) return `${shownDatabase(databaseUrl)} is an empty file, not a Holdfast database; ${start}`;
  return null;
}

/**
 * Refuses, before any migration, a database that is not Holdfast's: one with tables but none of Holdfast's
 * migrations (another application's). Commands that only work on Holdfast's data check it, so a DATABASE_URL
 * pointing at the wrong thing changes nothing; `serve`, `demo` and `migrate` set a database up and do not. An empty
 * database is set up (createdb, then any command); an empty SQLite file is refused before it is opened
 * (`missingDatabase`).
 */
export async function refuseForeignDatabase(database: Database, databaseUrl: string): Promise<void> {
  const tables = (await database.db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name);
  if (tables.includes('kysely_migration')) return;
  if (tables.length > 0) throw new AppError('conflict', `${shownDatabase(databaseUrl)} is not a Holdfast database (it has tables of its own and none of Holdfast's); point DATABASE_URL at Holdfast's`);
}

export async function withAppContext<T>(options: RuntimeOptions, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  if (options.mustExist) {
    const missing = missingDatabase(options.databaseUrl);
    if (missing) throw new AppError('not_found', missing);
  }
  const database = openDatabase({ url: options.databaseUrl, poolSize: 2, connectTimeoutMs: COMMAND_CONNECT_TIMEOUT_MS });
  try {
    if (options.mustExist) await refuseForeignDatabase(database, options.databaseUrl);
    await database.migrate();
    const clock = options.manualClock ? new ManualClock((await storedManualTime(database.db)) ?? Date.now()) : systemClock;
    return await fn(quietContext(database, clock));
  } finally {
    await database.close();
  }
}

/** What `migrate` did: the migrations it applied, how many the database has now, whether it made the database. */
export interface Migrated {
  readonly applied: readonly string[];
  readonly total: number;
  readonly created: boolean;
  /** The database as messages name it. */
  readonly shown: string;
}

/** Applies the pending migrations (a database already up to date is left as it is) and says which. */
export async function migrateDatabase(databaseUrl: string): Promise<Migrated> {
  const created = missingDatabase(databaseUrl) !== null;
  const database = openDatabase({ url: databaseUrl, poolSize: 2, connectTimeoutMs: COMMAND_CONNECT_TIMEOUT_MS });
  try {
    const applied = await database.migrate();
    const total = Number((await sql<{ n: number | string }>`select count(*) as n from kysely_migration`.execute(database.db)).rows[0]?.n ?? 0);
    return { applied, total, created, shown: shownDatabase(databaseUrl) };
  } finally {
    await database.close();
  }
}

/**
 * A context for a thread that only reads and plans (the batch planner's): its own small pool on the database, the
 * clock it is given, no metrics and no supply signal. The caller closes `ctx.database`.
 */
export function openThreadContext(databaseUrl: string, clock: Clock): AppContext {
  return quietContext(openDatabase({ url: databaseUrl, poolSize: 2 }), clock);
}

/** A context outside `serve`: nobody listens for supply changes or metrics. */
const quietContext = (database: Database, clock: Clock): AppContext => ({ database, clock, ids: new IdGenerator(), supplyChanged: () => undefined, metrics: noopMetrics });
