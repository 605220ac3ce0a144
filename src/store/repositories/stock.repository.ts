/**
 * Stock rows: on-hand and reserved per (sku, location). Reservations are guarded relative updates checked by
 * the affected-row count, never a read-modify-write.
 */
import { sql } from 'kysely';
import type { Executor } from '../database.ts';
import { chunks } from './pagination.ts';

export interface StockRow {
  readonly sku: string;
  readonly locationId: string;
  readonly onHand: number;
  readonly reserved: number;
}

export async function stockForSkus(db: Executor, skus: readonly string[]): Promise<StockRow[]> {
  const out: StockRow[] = [];
  for (const part of chunks([...new Set(skus)], 500)) {
    const rows = await db
      .selectFrom('stock')
      .select(['sku', 'location_id', 'on_hand', 'reserved'])
      .where('sku', 'in', part)
      .execute();
    for (const r of rows) out.push({ sku: r.sku, locationId: r.location_id, onHand: r.on_hand, reserved: r.reserved });
  }
  return out;
}

/** Sets on-hand counts (the warehouse is the truth, even below what is reserved). */
export async function setOnHand(db: Executor, rows: readonly { sku: string; locationId: string; onHand: number }[], now: number): Promise<void> {
  for (const part of chunks(rows, 1000)) {
    await db
      .insertInto('stock')
      .values(part.map((r) => ({ sku: r.sku, location_id: r.locationId, on_hand: r.onHand, reserved: 0, updated_at: now })))
      .onConflict((oc) =>
        oc.columns(['sku', 'location_id']).doUpdateSet((eb) => ({ on_hand: eb.ref('excluded.on_hand'), updated_at: eb.ref('excluded.updated_at') })),
      )
      .execute();
  }
}

/** On-hand never goes above this: well inside what JavaScript numbers and a bigint column hold exactly. */
export const MAX_ON_HAND = 1_000_000_000_000;

/** Adds a delta to on-hand; false (nothing written) when it would take on-hand below zero or above MAX_ON_HAND. */
export async function adjustOnHand(db: Executor, sku: string, locationId: string, delta: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('stock')
    .set({ on_hand: sql`on_hand + ${delta}`, updated_at: now })
    .where('sku', '=', sku)
    .where('location_id', '=', locationId)
    .where(sql<boolean>`on_hand + ${delta} between 0 and ${MAX_ON_HAND}`)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 1) return true;
  if (delta < 0) return false;
  const inserted = await db
    .insertInto('stock')
    .values({ sku, location_id: locationId, on_hand: delta, reserved: 0, updated_at: now })
    .onConflict((oc) => oc.columns(['sku', 'location_id']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows) === 1;
}

/** Reserves `quantity` only if that much is available now; false when the guard refused it. */
export async function reserve(db: Executor, sku: string, locationId: string, quantity: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('stock')
    .set({ reserved: sql`reserved + ${quantity}`, updated_at: now })
    .where('sku', '=', sku)
    .where('location_id', '=', locationId)
    .where(sql<boolean>`on_hand - reserved >= ${quantity}`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Gives back a reservation (cancel). False means the books disagree with the lines: a bug, not a race. */
export async function unreserve(db: Executor, sku: string, locationId: string, quantity: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('stock')
    .set({ reserved: sql`reserved - ${quantity}`, updated_at: now })
    .where('sku', '=', sku)
    .where('location_id', '=', locationId)
    .where('reserved', '>=', quantity)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A shipment leaves the building: reserved and on-hand both drop (on-hand not below zero). */
export async function shipFromStock(db: Executor, sku: string, locationId: string, quantity: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('stock')
    .set({
      reserved: sql`reserved - ${quantity}`,
      on_hand: sql`case when on_hand >= ${quantity} then on_hand - ${quantity} else 0 end`,
      updated_at: now,
    })
    .where('sku', '=', sku)
    .where('location_id', '=', locationId)
    .where('reserved', '>=', quantity)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
