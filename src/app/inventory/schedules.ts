/**
 * The on-hand change schedule: expected receipts (+) and issues (-) by date. Entries outside the ATP window are
 * stored and listed but not counted. An upload is all or nothing; every change starts an event-triggered run.
 */
import { invalid, notFound } from '../errors.ts';
import type { FieldError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { deleteScheduleEntry, getScheduleEntry, insertScheduleEntries, listScheduleEntries } from '../../store/repositories/schedules.repository.ts';
import type { NewScheduleEntry, ScheduleEntry } from '../../store/repositories/schedules.repository.ts';
import { checkReferences } from './references.ts';

const PROGRESS_CHUNK = 5_000;

/** All entries in one transaction; `onProgress` hears how many are written as the chunks go (CLI imports). */
export async function uploadSchedules(
  ctx: AppContext,
  entries: readonly NewScheduleEntry[],
  onProgress?: (written: number) => void,
): Promise<ScheduleEntry[]> {
  const zero = entries.flatMap((e, i): FieldError[] => (e.quantity === 0 ? [{ path: `/${i}/quantity`, message: 'must not be 0 (+ receipt, - issue)' }] : []));
  if (zero.length) throw invalid(zero);
  const stored = await ctx.database.transaction(async (trx) => {
    await checkReferences(trx, entries);
    await ctx.database.lockSkus(trx, entries.map((e) => e.sku));
    const now = ctx.clock.now();
    const out: ScheduleEntry[] = [];
    for (let i = 0; i < entries.length; i += PROGRESS_CHUNK) {
      out.push(...(await insertScheduleEntries(trx, entries.slice(i, i + PROGRESS_CHUNK), now)));
      onProgress?.(Math.min(entries.length, i + PROGRESS_CHUNK));
    }
    return out;
  });
  if (entries.length) ctx.supplyChanged(entries.map((e) => e.sku));
  return stored;
}

export async function deleteSchedule(ctx: AppContext, id: number): Promise<ScheduleEntry> {
  const removed = await ctx.database.transaction(async (trx) => {
    const entry = await getScheduleEntry(trx, id);
    if (!entry) return undefined;
    // Jobs promise against the schedule: the delete waits for (and holds off) a batch of the same sku.
    await ctx.database.lockSkus(trx, [entry.sku]);
    return deleteScheduleEntry(trx, id);
  });
  if (!removed) throw notFound(`schedule entry ${id}`);
  // Removing a receipt can break promises made on it; removing an issue leaves more to promise.
  ctx.supplyChanged([removed.sku]);
  return removed;
}

/** Schedule entries by date, then id; optionally of one sku. */
export function listSchedules(ctx: AppContext, q: Parameters<typeof listScheduleEntries>[1]) {
  return listScheduleEntries(ctx.database.db, q);
}
