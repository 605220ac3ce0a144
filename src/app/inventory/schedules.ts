/**
 * The on-hand change schedule: expected receipts (+) and issues (-) by date. Entries outside the ATP window are
 * stored and listed but not counted. An upload is all or nothing; receipts start an event-triggered run.
 */
import { invalid, notFound } from '../errors.ts';
import type { FieldError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { deleteScheduleEntry, insertScheduleEntries } from '../../store/repositories/schedules.repository.ts';
import type { NewScheduleEntry, ScheduleEntry } from '../../store/repositories/schedules.repository.ts';
import { checkReferences } from './references.ts';

export async function uploadSchedules(ctx: AppContext, entries: readonly NewScheduleEntry[]): Promise<ScheduleEntry[]> {
  const zero = entries.flatMap((e, i): FieldError[] => (e.quantity === 0 ? [{ path: `/${i}/quantity`, message: 'must not be 0 (+ receipt, - issue)' }] : []));
  if (zero.length) throw invalid(zero);
  const stored = await ctx.database.transaction(async (trx) => {
    await checkReferences(trx, entries);
    await ctx.database.lockSkus(trx, entries.map((e) => e.sku));
    return insertScheduleEntries(trx, entries, ctx.clock.now());
  });
  const grew = entries.filter((e) => e.quantity > 0).map((e) => e.sku);
  if (grew.length) ctx.supplyGrew(grew);
  return stored;
}

export async function deleteSchedule(ctx: AppContext, id: number): Promise<ScheduleEntry> {
  const removed = await ctx.database.transaction((trx) => deleteScheduleEntry(trx, id));
  if (!removed) throw notFound(`schedule entry ${id}`);
  // Removing an expected issue leaves more to promise.
  if (removed.quantity < 0) ctx.supplyGrew([removed.sku]);
  return removed;
}
