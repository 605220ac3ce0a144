import { notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { getProduct } from '../../store/repositories/catalog.repository.ts';
import { stockForSkus } from '../../store/repositories/stock.repository.ts';

export interface InventoryView {
  readonly sku: string;
  readonly locations: { locationId: string; onHand: number; reserved: number; available: number; shortage: number }[];
}

/** Stock of one sku at every location that has a row, in location id order. */
export async function getInventory(ctx: AppContext, sku: string): Promise<InventoryView> {
  const db = ctx.database.db;
  if (!(await getProduct(db, sku))) throw notFound(`product ${sku}`);
  const rows = (await stockForSkus(db, [sku])).sort((a, b) => (a.locationId < b.locationId ? -1 : 1));
  return {
    sku,
    locations: rows.map((r) => ({
      locationId: r.locationId,
      onHand: r.onHand,
      reserved: r.reserved,
      available: r.onHand - r.reserved,
      shortage: Math.max(0, r.reserved - r.onHand),
    })),
  };
}
