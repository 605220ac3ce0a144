/**
 * Bulk on-hand counts from the warehouse. A count below what is reserved is recorded all the same (the
 * warehouse is the truth) and shows as a shortage. Raised counts start an event-triggered backorder run.
 */
import type { AppContext } from '../context.ts';
import { setOnHand as store, stockForSkus } from '../../store/repositories/stock.repository.ts';
import { checkDistinct, checkReferences } from './references.ts';

export interface OnHandRow {
  readonly sku: string;
  readonly locationId: string;
  readonly onHand: number;
}

export async function setOnHand(ctx: AppContext, rows: readonly OnHandRow[]): Promise<{ count: number }> {
  checkDistinct(rows);
  const grew = await ctx.database.transaction(async (trx) => {
    await checkReferences(trx, rows);
    const skus = rows.map((r) => r.sku);
    await ctx.database.lockSkus(trx, skus);
    const before = new Map((await stockForSkus(trx, skus)).map((s) => [`${s.sku}\u0000${s.locationId}`, s.onHand]));
    await store(trx, rows, ctx.clock.now());
    return rows.filter((r) => r.onHand > (before.get(`${r.sku}\u0000${r.locationId}`) ?? 0)).map((r) => r.sku);
  });
  if (grew.length) ctx.supplyGrew(grew);
  return { count: rows.length };
}
