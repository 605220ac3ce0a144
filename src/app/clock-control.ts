/**
 * The manual clock (HOLDFAST_CLOCK=manual): time moves only when set. The time is also stored, so a CLI
 * command run beside the service (`holdfast jobs run`) sees the same time.
 */
import type { AppContext } from './context.ts';
import type { ManualClock } from './clock.ts';
import { readConfig } from '../store/repositories/config.repository.ts';
import type { Executor } from '../store/database.ts';

const CLOCK_KEY = 'clock';

export async function setManualTime(ctx: AppContext, clock: ManualClock, ms: number): Promise<void> {
  clock.set(ms);
  const text = JSON.stringify({ now: ms });
  await ctx.database.db
    .insertInto('config')
    .values({ key: CLOCK_KEY, value: text, updated_at: Date.now() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: Date.now() }))
    .execute();
}

/** The stored manual time, if one was ever set. */
export async function storedManualTime(db: Executor): Promise<number | undefined> {
  return (await readConfig<{ now: number }>(db, CLOCK_KEY))?.now;
}
