/**
 * The manual clock (HOLDFAST_CLOCK=manual): time moves only when set. The time is also stored, so a CLI
 * command run beside the service (`holdfast jobs run`) sees the same time.
 */
import type { AppContext } from './context.ts';
import { invalid } from './errors.ts';
import { MAX_INSTANT, MIN_INSTANT, isSupportedInstant } from '../domain/calendar/business-date.ts';
import type { ManualClock } from './clock.ts';
import { readConfig } from '../store/repositories/config.repository.ts';
import type { Executor } from '../store/database.ts';

const CLOCK_KEY = 'clock';

export async function setManualTime(ctx: AppContext, clock: ManualClock, ms: number): Promise<void> {
  // Dates are kept within 0001-01-01..9999-12-31 in every time zone: the clock stays a day inside that range.
  if (!isSupportedInstant(ms)) {
    throw invalid([{ path: '/now', message: `must be an instant from ${new Date(MIN_INSTANT).toISOString()} to ${new Date(MAX_INSTANT).toISOString()}` }]);
  }
  clock.set(ms);
  const text = JSON.stringify({ now: ms });
  await ctx.database.db
    .insertInto('config')
    .values({ key: CLOCK_KEY, value: text, updated_at: Date.now() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: Date.now() }))
    .execute();
}

/** The stored manual time, if one was ever set (and is one the service can handle). */
export async function storedManualTime(db: Executor): Promise<number | undefined> {
  const now = (await readConfig<{ now: number }>(db, CLOCK_KEY))?.now;
  return now !== undefined && isSupportedInstant(now) ? now : undefined;
}
