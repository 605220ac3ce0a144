/**
 * The on-hand change schedule: expected receipts (+) and issues (-) by date. Entries outside the ATP window are
 * stored and listed but not counted. An upload is all or nothing; with `replace`, every (sku, location,
 * reference) it names first loses its entries, in the same transaction, so re-sending a purchase order updates
 * it. Any change to the schedule starts an event-triggered backorder run for its skus, which releases lines
 * where supply grew and re-dates promises where it shrank.
 */
import { invalid, notFound } from '../errors.ts';
import type { FieldError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import type { Executor } from '../../store/database.ts';
import {
  deleteScheduleEntries,
  deleteScheduleEntry,
  deleteScheduleKeys,
  getScheduleEntry,
  insertScheduleEntries,
  listScheduleEntries,
  scheduledSkus,
} from '../../store/repositories/schedules.repository.ts';
import type { NewScheduleEntry, ScheduleEntry, ScheduleFilter } from '../../store/repositories/schedules.repository.ts';
import { checkReferences } from './references.ts';

export type { NewScheduleEntry, ScheduleEntry, ScheduleFilter };

const PROGRESS_CHUNK = 5_000;

/** A (sku, location, reference) whose entries a replacing upload removes first. */
export interface ScheduleKey {
  readonly sku: string;
  readonly locationId: string;
  readonly reference: string | null;
}

/** An entry's reference as stored: none when left out, null or blank (a CSV's empty cell and JSON's "" name the same). */
export const referenceOf = (value: string | null | undefined): string | null => (value === undefined || value === null || value.trim() === '' ? null : value);

export const scheduleKeyOf = (e: ScheduleKey): string => JSON.stringify([e.sku, e.locationId, e.reference]);

/** The distinct keys of some entries. */
export function scheduleKeys(entries: Iterable<ScheduleKey>): ScheduleKey[] {
  const out = new Map<string, ScheduleKey>();
  for (const e of entries) out.set(scheduleKeyOf(e), { sku: e.sku, locationId: e.locationId, reference: e.reference });
  return [...out.values()];
}

/** All entries in one transaction; `onProgress` hears how many are written as the chunks go. */
export async function uploadSchedules(
  ctx: AppContext,
  entries: readonly NewScheduleEntry[],
  options: { replace?: boolean; onProgress?: (written: number) => void } = {},
): Promise<ScheduleEntry[]> {
  const zero = entries.flatMap((e, i): FieldError[] => (e.quantity === 0 ? [{ path: `/${i}/quantity`, message: 'must not be 0 (+ receipt, - issue)' }] : []));
  if (zero.length) throw invalid(zero);
  const stored = await ctx.database.transaction(async (trx) => {
    await checkReferences(trx, entries);
    await ctx.database.lockSkus(trx, entries.map((e) => e.sku));
    if (options.replace) await deleteScheduleKeys(trx, scheduleKeys(entries));
    const out: ScheduleEntry[] = [];
    for (let i = 0; i < entries.length; i += PROGRESS_CHUNK) {
      out.push(...(await writeSchedules(ctx, trx, entries.slice(i, i + PROGRESS_CHUNK))));
      options.onProgress?.(Math.min(entries.length, i + PROGRESS_CHUNK));
    }
    return out;
  });
  changed(ctx, entries.map((e) => e.sku));
  return stored;
}

/** Inserts checked entries inside the caller's transaction. */
export async function writeSchedules(ctx: AppContext, trx: Executor, entries: readonly NewScheduleEntry[]): Promise<ScheduleEntry[]> {
  await ctx.database.lockSkus(trx, entries.map((e) => e.sku));
  return insertScheduleEntries(trx, entries, ctx.clock.now());
}


/** Starts the event-triggered run for skus whose schedule changed (after commit). */
export function changed(ctx: AppContext, skus: readonly string[]): void {
  if (skus.length) ctx.supplyChanged([...new Set(skus)]);
}

export async function deleteSchedule(ctx: AppContext, id: number): Promise<ScheduleEntry> {
  // An id beyond what the id columns hold names nothing (PostgreSQL would refuse to compare it).
  if (!Number.isSafeInteger(id)) throw notFound(`schedule entry ${id}`);
  const removed = await ctx.database.transaction(async (trx) => {
    const entry = await getScheduleEntry(trx, id);
    if (!entry) return undefined;
    // Jobs promise against the schedule: the delete waits for (and holds off) a batch of the same sku.
    await ctx.database.lockSkus(trx, [entry.sku]);
    return deleteScheduleEntry(trx, id);
  });
  if (!removed) throw notFound(`schedule entry ${id}`);
  changed(ctx, [removed.sku]);
  return removed;
}

/** `DELETE /api/inventory/schedules?sku=&locationId=&reference=`: every entry matching all the filters given. */
export async function deleteSchedules(ctx: AppContext, filter: Omit<ScheduleFilter, 'after' | 'limit'>): Promise<{ count: number }> {
  if (filter.sku === undefined && filter.locationId === undefined && filter.reference === undefined) {
    throw invalid([{ path: '', message: 'name at least one of sku, locationId and reference' }], 'name at least one of the query parameters sku, locationId and reference: a delete without one would empty the schedule');
  }
  const { count, skus } = await ctx.database.transaction(async (trx) => {
    const skus = await scheduledSkus(trx, filter);
    await ctx.database.lockSkus(trx, skus);
    return { count: await deleteScheduleEntries(trx, filter), skus };
  });
  changed(ctx, skus);
  return { count };
}

/** Schedule entries by date, then id; optionally of one sku, location or reference. */
export function listSchedules(ctx: AppContext, q: ScheduleFilter) {
  return listScheduleEntries(ctx.database.db, q);
}
