import type { Executor } from '../database.ts';
import { chunks, pageOf } from './pagination.ts';
import type { Page } from './pagination.ts';
import type { ScheduleEntriesTable } from '../tables/inventory.table.ts';
import type { DeleteQueryBuilder, Selectable, SelectQueryBuilder } from 'kysely';
import type { DB } from '../tables/index.ts';

export interface ScheduleEntry {
  readonly id: number;
  readonly sku: string;
  readonly locationId: string;
  readonly date: string;
  readonly quantity: number;
  readonly reference: string | null;
}

export type NewScheduleEntry = Omit<ScheduleEntry, 'id'>;

const toEntry = (r: Selectable<ScheduleEntriesTable>): ScheduleEntry => ({
  id: r.id,
  sku: r.sku,
  locationId: r.location_id,
  date: r.date,
  quantity: r.quantity,
  reference: r.reference,
});

export async function insertScheduleEntries(db: Executor, entries: readonly NewScheduleEntry[], now: number): Promise<ScheduleEntry[]> {
  const out: ScheduleEntry[] = [];
  for (const part of chunks(entries, 1000)) {
    const rows = await db
      .insertInto('schedule_entries')
      .values(part.map((e) => ({ sku: e.sku, location_id: e.locationId, date: e.date, quantity: e.quantity, reference: e.reference, created_at: now })))
      .returningAll()
      .execute();
    out.push(...rows.map(toEntry));
  }
  return out;
}

/** Which entries a list or a bulk delete takes: all the filters given (a null reference matches entries without one). */
export interface ScheduleFilter {
  readonly sku?: string;
  readonly locationId?: string;
  readonly reference?: string | null;
  readonly after?: [string, number];
  readonly limit: number;
}

function filtered<Q extends SelectQueryBuilder<DB, 'schedule_entries', any> | DeleteQueryBuilder<DB, 'schedule_entries', any>>(query: Q, f: Omit<ScheduleFilter, 'after' | 'limit'>): Q {
  let q = query as SelectQueryBuilder<DB, 'schedule_entries', any>;
  if (f.sku !== undefined) q = q.where('sku', '=', f.sku);
  if (f.locationId !== undefined) q = q.where('location_id', '=', f.locationId);
  if (f.reference === null) q = q.where('reference', 'is', null);
  else if (f.reference !== undefined) q = q.where('reference', '=', f.reference);
  return q as unknown as Q;
}

/** Entries by date, then id. */
export async function listScheduleEntries(db: Executor, q: ScheduleFilter): Promise<Page<ScheduleEntry>> {
  let query = filtered(db.selectFrom('schedule_entries').selectAll().orderBy('date').orderBy('id').limit(q.limit + 1), q);
  const after = q.after;
  if (after !== undefined) query = query.where((eb) => eb(eb.refTuple('date', 'id'), '>', eb.tuple(after[0], after[1])));
  return pageOf(await query.execute(), q.limit, toEntry, (r) => [r.date, r.id]);
}

export async function getScheduleEntry(db: Executor, id: number): Promise<ScheduleEntry | undefined> {
  const row = await db.selectFrom('schedule_entries').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toEntry(row);
}

/** The distinct skus of the entries matching a filter. */
export async function scheduledSkus(db: Executor, f: Omit<ScheduleFilter, 'after' | 'limit'>): Promise<string[]> {
  const rows = await filtered(db.selectFrom('schedule_entries').select('sku').distinct(), f).execute();
  return rows.map((r) => r.sku);
}

/** Deletes every entry matching a filter; answers how many. */
export async function deleteScheduleEntries(db: Executor, f: Omit<ScheduleFilter, 'after' | 'limit'>): Promise<number> {
  const r = await filtered(db.deleteFrom('schedule_entries'), f).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Deletes every entry of these (sku, location, reference) keys, a null reference naming the entries without one;
 * a few hundred keys a statement (an import that replaces 100,000 references is not 100,000 statements).
 */
export async function deleteScheduleKeys(db: Executor, keys: readonly { sku: string; locationId: string; reference: string | null }[]): Promise<number> {
  let removed = 0;
  for (const part of chunks([...keys], 300)) {
    const r = await db
      .deleteFrom('schedule_entries')
      .where((eb) =>
        eb.or(part.map((k) => eb.and([eb('sku', '=', k.sku), eb('location_id', '=', k.locationId), k.reference === null ? eb('reference', 'is', null) : eb('reference', '=', k.reference)]))),
      )
      .executeTakeFirst();
    removed += Number(r.numDeletedRows);
  }
  return removed;
}

export async function deleteScheduleEntry(db: Executor, id: number): Promise<ScheduleEntry | undefined> {
  const row = await db.deleteFrom('schedule_entries').where('id', '=', id).returningAll().executeTakeFirst();
  return row && toEntry(row);
}

/** The references of the receipts (positive entries) of one sku at one location on one date, in id order. */
export async function receiptReferences(db: Executor, sku: string, locationId: string, date: string): Promise<string[]> {
  const rows = await db
    .selectFrom('schedule_entries')
    .select('reference')
    .where('sku', '=', sku)
    .where('location_id', '=', locationId)
    .where('date', '=', date)
    .where('quantity', '>', 0)
    .orderBy('id')
    .execute();
  return [...new Set(rows.map((r) => r.reference).filter((r): r is string => r !== null && r !== ''))];
}
