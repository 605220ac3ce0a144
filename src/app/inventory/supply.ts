/**
 * Loads what the ATP engine needs for a set of skus in one go: stock, the scheduled changes inside the
 * horizon and, when asked, the promises held lines carry. Three queries, whatever the number of skus.
 */
import { addDays, toDayNumber } from '../../domain/calendar/business-date.ts';
import type { BusinessDate } from '../../domain/calendar/business-date.ts';
import type { DatedQuantity, SupplyInput } from '../../domain/atp/projection.ts';
import type { Executor } from '../../store/database.ts';
import { stockForSkus } from '../../store/repositories/stock.repository.ts';
import { scheduledQuantities } from '../../store/repositories/schedules.repository.ts';
import { heldPromises } from '../../store/repositories/orders.repository.ts';

export type SupplyOf = (sku: string, locationId: string) => SupplyInput;

const key = (sku: string, locationId: string) => `${sku}\u0000${locationId}`;

export async function loadSupply(
  db: Executor,
  skus: readonly string[],
  today: BusinessDate,
  horizon: number,
  options: { withPromises: boolean },
): Promise<SupplyOf> {
  const todayNumber = toDayNumber(today);
  const available = new Map<string, number>();
  const receipts = new Map<string, DatedQuantity[]>();
  const promises = new Map<string, DatedQuantity[]>();
  const push = (m: Map<string, DatedQuantity[]>, k: string, d: DatedQuantity) => {
    const list = m.get(k);
    if (list) list.push(d);
    else m.set(k, [d]);
  };

  for (const s of await stockForSkus(db, skus)) available.set(key(s.sku, s.locationId), s.onHand - s.reserved);
  if (horizon > 0) {
    for (const r of await scheduledQuantities(db, skus, today, addDays(today, horizon))) {
      push(receipts, key(r.sku, r.locationId), { day: toDayNumber(r.date) - todayNumber, quantity: r.quantity });
    }
  }
  if (options.withPromises) {
    for (const p of await heldPromises(db, skus)) {
      push(promises, key(p.sku, p.locationId), { day: toDayNumber(p.date) - todayNumber, quantity: p.quantity });
    }
  }
  return (sku, locationId) => {
    const k = key(sku, locationId);
    return { available: available.get(k) ?? 0, receipts: receipts.get(k) ?? [], promises: promises.get(k) ?? [] };
  };
}
