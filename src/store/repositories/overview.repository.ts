/**
 * Aggregates for the console's Home screen: lines per status reason, Backorder Hold lines by age, and preorder
 * demand against scheduled receipts. Each is one grouped query, so the screen costs the same at any size.
 */
import { sql } from 'kysely';
import type { Executor } from '../database.ts';

export interface ReasonCount {
  readonly statusReason: string;
  readonly lines: number;
  readonly units: number;
}

export async function countLinesByReason(db: Executor): Promise<ReasonCount[]> {
  const rows = await db
    .selectFrom('order_lines')
    .select((eb) => ['status_reason', eb.fn.countAll<number>().as('lines'), eb.fn.sum<number>('quantity').as('units')])
    .groupBy('status_reason')
    .execute();
  return rows.map((r) => ({ statusReason: r.status_reason, lines: Number(r.lines), units: Number(r.units ?? 0) }));
}

export interface AgeBucketCount {
  /** Index into the caller's bucket bounds: 0 for the youngest. */
  readonly bucket: number;
  readonly lines: number;
  readonly units: number;
}

/**
 * Backorder Hold lines grouped by whole days since `backorderedAt` at `now`: bucket i holds the lines younger
 * than `upperDays[i]` days and not younger than the bucket before; the last bucket (index upperDays.length)
 * holds the rest.
 */
export async function countBackordersByAge(db: Executor, now: number, upperDays: readonly number[]): Promise<AgeBucketCount[]> {
  const DAY = 86_400_000;
  // Literals, not parameters: the same expression must appear in the select list and in GROUP BY, and
  // PostgreSQL tells $1 and $7 apart even when they carry one value. All are integers this code computes.
  const int = (n: number) => sql.lit(Math.trunc(n));
  const age = sql<number>`${int(now)} - backordered_at`;
  const whens = upperDays.map((d, i) => sql`when ${age} < ${int(d * DAY)} then ${int(i)}`);
  const bucket = sql<number>`case ${sql.join(whens, sql` `)} else ${int(upperDays.length)} end`;
  const rows = await db
    .selectFrom('order_lines')
    .select((eb) => [bucket.as('bucket'), eb.fn.countAll<number>().as('lines'), eb.fn.sum<number>('quantity').as('units')])
    .where('settled_reason', 'is', null)
    .where('status_reason', '=', 'BackorderHold')
    .where('backordered_at', 'is not', null)
    .groupBy(bucket)
    .execute();
  return rows.map((r) => ({ bucket: Number(r.bucket), lines: Number(r.lines), units: Number(r.units ?? 0) }));
}

export interface PreorderDemandRow {
  readonly sku: string;
  readonly name: string;
  readonly launchDate: string | null;
  /** Units on Preorder Hold. */
  readonly onHold: number;
  readonly heldLines: number;
  /** Positive schedule quantities dated after `today`, up to and including the launch date. */
  readonly receiptsByLaunch: number;
  /** Positive schedule quantities dated after the launch date (or all of them when there is no launch date). */
  readonly receiptsAfterLaunch: number;
}

/** Per preorder-eligible product (at most `limit`, by launch date then sku). */
export async function preorderDemand(db: Executor, today: string, limit: number): Promise<PreorderDemandRow[]> {
  const products = await db
    .selectFrom('products')
    .select(['sku', 'name', 'launch_date'])
    .where('preorder_eligible', '=', 1)
    .orderBy('launch_date')
    .orderBy('sku')
    .limit(limit)
    .execute();
  if (products.length === 0) return [];
  const skus = products.map((p) => p.sku);
  const held = await db
    .selectFrom('order_lines')
    .select((eb) => ['sku', eb.fn.countAll<number>().as('lines'), eb.fn.sum<number>('quantity').as('units')])
    .where('settled_reason', 'is', null)
    .where('status_reason', '=', 'PreorderHold')
    .where('sku', 'in', skus)
    .groupBy('sku')
    .execute();
  const byLaunch = sql<number>`sum(case when p.launch_date is not null and e.date <= p.launch_date then e.quantity else 0 end)`;
  const afterLaunch = sql<number>`sum(case when p.launch_date is null or e.date > p.launch_date then e.quantity else 0 end)`;
  const receipts = await db
    .selectFrom('schedule_entries as e')
    .innerJoin('products as p', 'p.sku', 'e.sku')
    .select(['e.sku', byLaunch.as('by_launch'), afterLaunch.as('after_launch')])
    .where('e.sku', 'in', skus)
    .where('e.quantity', '>', 0)
    .where('e.date', '>', today)
    .groupBy('e.sku')
    .execute();
  const heldOf = new Map(held.map((h) => [h.sku, h]));
  const receiptsOf = new Map(receipts.map((r) => [r.sku, r]));
  return products.map((p) => ({
    sku: p.sku,
    name: p.name,
    launchDate: p.launch_date,
    onHold: Number(heldOf.get(p.sku)?.units ?? 0),
    heldLines: Number(heldOf.get(p.sku)?.lines ?? 0),
    receiptsByLaunch: Number(receiptsOf.get(p.sku)?.by_launch ?? 0),
    receiptsAfterLaunch: Number(receiptsOf.get(p.sku)?.after_launch ?? 0),
  }));
}
