/**
 * Loads what the ATP engine needs for a set of skus in one go: stock, the scheduled changes inside the horizon and,
 * when asked, what held lines are promised (the promised quantities, bounded by the horizon, not by the number of
 * held lines). Three statements, whatever the number of skus.
 */
import { addDays, toDayNumber } from '../../domain/calendar/business-date.ts';
import type { BusinessDate } from '../../domain/calendar/business-date.ts';
import type { DatedQuantity, SupplyInput } from '../../domain/atp/projection.ts';
import type { Executor } from '../../store/database.ts';
import type { StoreDialect, SupplyRows } from '../../store/dialect/store-dialect.ts';

export type SupplyOf = (sku: string, locationId: string) => SupplyInput;

const key = (sku: string, locationId: string) => `${sku}\u0000${locationId}`;
const NONE: readonly DatedQuantity[] = [];

export async function supplyOf(
  trx: Executor,
  store: StoreDialect,
  skus: readonly string[],
  today: BusinessDate,
  horizon: number,
  options: { withPromises: boolean },
): Promise<SupplyOf> {
  const rows = await store.supply(trx, skus, horizon > 0 ? { after: today, until: addDays(today, horizon) } : null, options.withPromises);
  return supplyFromRows(rows, today);
}

/** Indexes supply rows by (sku, location), as days from `today`; with `only`, that location's rows alone. */
export function supplyFromRows(rows: SupplyRows, today: BusinessDate, only: string | null = null): SupplyOf {
  const todayNumber = toDayNumber(today);
  const available = new Map<string, number>();
  const receipts = new Map<string, DatedQuantity[]>();
  const promises = new Map<string, DatedQuantity[]>();
  const push = (m: Map<string, DatedQuantity[]>, k: string, d: DatedQuantity) => {
    const list = m.get(k);
    if (list) list.push(d);
    else m.set(k, [d]);
  };
  for (const s of rows.stock) if (only === null || s.locationId === only) available.set(key(s.sku, s.locationId), s.onHand - s.reserved);
  for (const r of rows.scheduled) if (only === null || r.locationId === only) push(receipts, key(r.sku, r.locationId), { day: toDayNumber(r.date) - todayNumber, quantity: r.quantity });
  for (const p of rows.promised) if (only === null || p.locationId === only) push(promises, key(p.sku, p.locationId), { day: toDayNumber(p.date) - todayNumber, quantity: p.quantity });
  return (sku, locationId) => {
    const k = key(sku, locationId);
    return { available: available.get(k) ?? 0, receipts: receipts.get(k) ?? NONE, promises: promises.get(k) ?? NONE };
  };
}
