import type { Config } from '../config/config.ts';
import type { AppContext } from '../app/context.ts';
import { ManualClock, systemClock } from '../app/clock.ts';
import { IdGenerator } from '../app/ids.ts';
import { storedManualTime } from '../app/clock-control.ts';
import { openDatabase } from '../store/database.ts';

/** A use-case context for one CLI command on a migrated database; no HTTP, no jobs, supply changes ignored. */
export async function withContext<T>(config: Config, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const database = openDatabase({ url: config.databaseUrl, poolSize: 2 });
  try {
    await database.migrate();
    const clock = config.manualClock ? new ManualClock((await storedManualTime(database.db)) ?? Date.now()) : systemClock;
    return await fn({ database, clock, ids: new IdGenerator(), supplyChanged: () => undefined });
  } finally {
    await database.close();
  }
}
