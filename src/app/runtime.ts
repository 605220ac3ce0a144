/**
 * A use-case context on a database, for CLI commands that need neither HTTP nor jobs (`keys`, `atp`,
 * `migrate`). The database is migrated first; with `mustExist`, a SQLite file that is not there yet is an
 * error rather than a new empty database (a command run in the wrong folder should say so).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from './context.ts';
import type { Clock } from './clock.ts';
import { AppError } from './errors.ts';
import { ManualClock, systemClock } from './clock.ts';
import { IdGenerator } from './ids.ts';
import { storedManualTime } from './clock-control.ts';
import { noopMetrics } from './metrics.ts';
import { isPostgresUrl, openDatabase } from '../store/database.ts';

export interface RuntimeOptions {
  readonly databaseUrl: string;
  readonly manualClock: boolean;
  readonly mustExist?: boolean;
}

export { isPostgresUrl };

/** How long a command waits to reach PostgreSQL before it says it cannot. */
export const COMMAND_CONNECT_TIMEOUT_MS = 10_000;

/** A SQLite database file that is not there, as one sentence; null when there is one (or it is PostgreSQL). */
export function missingDatabase(databaseUrl: string): string | null {
  if (isPostgresUrl(databaseUrl) || databaseUrl === ':memory:' || fs.existsSync(databaseUrl)) return null;
  return `there is no database at ${path.relative(process.cwd(), path.resolve(databaseUrl)) || databaseUrl}; start the demo (npm start) or the service (holdfast serve) first, or set DATABASE_URL`;
}

export async function withAppContext<T>(options: RuntimeOptions, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  if (options.mustExist) {
    const missing = missingDatabase(options.databaseUrl);
    if (missing) throw new AppError('not_found', missing);
  }
  const database = openDatabase({ url: options.databaseUrl, poolSize: 2, connectTimeoutMs: COMMAND_CONNECT_TIMEOUT_MS });
  try {
    await database.migrate();
    const clock = options.manualClock ? new ManualClock((await storedManualTime(database.db)) ?? Date.now()) : systemClock;
    return await fn({ database, clock, ids: new IdGenerator(), supplyChanged: () => undefined, metrics: noopMetrics });
  } finally {
    await database.close();
  }
}

/**
 * A context for a thread that only reads and plans (the batch planner's): its own small pool on the database, the
 * clock it is given, no metrics and no supply signal. The caller closes `ctx.database`.
 */
export function openThreadContext(databaseUrl: string, clock: Clock): AppContext {
  const database = openDatabase({ url: databaseUrl, poolSize: 2 });
  return { database, clock, ids: new IdGenerator(), supplyChanged: () => undefined, metrics: noopMetrics };
}
