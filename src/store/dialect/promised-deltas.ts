import { isHeld } from '../../domain/order/line-status.ts';
import type { OrderLine } from '../../domain/order/order-line.ts';
import type { DatedSkuQuantity, HeldCountDelta } from './store-dialect.ts';

type Placed = Pick<OrderLine, 'sku' | 'quantity' | 'statusReason' | 'locationId' | 'inventoryAvailabilityDate'>;

/** The skus whose held lines a set of changes touches (a line held before or after), in sku order. */
export function heldCountsOf(changes: Iterable<{ readonly before: Pick<OrderLine, 'sku' | 'statusReason'> | null; readonly after: Pick<OrderLine, 'sku' | 'statusReason'> }>): HeldCountDelta[] {
  const deltas = new Map<string, { sku: string; backorder: number; preorder: number }>();
  const count = (sku: string, reason: string, sign: number) => {
    let d = deltas.get(sku);
    if (!d) deltas.set(sku, (d = { sku, backorder: 0, preorder: 0 }));
    if (reason === 'BackorderHold') d.backorder += sign;
    else if (reason === 'PreorderHold') d.preorder += sign;
  };
  for (const c of changes) {
    if (!(c.before !== null && isHeld(c.before.statusReason)) && !isHeld(c.after.statusReason)) continue;
    if (c.before !== null) count(c.before.sku, c.before.statusReason, -1);
    count(c.after.sku, c.after.statusReason, 1);
  }
  return [...deltas.values()].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/**
 * How line changes move the promised quantities: a held line with a promise counts at its (sku, location, date);
 * a change takes the old promise out and puts the new one in. Summed per key, zeros dropped, sorted by key (so
 * concurrent writers touch rows in one order).
 */
export function promisedDeltas(changes: Iterable<{ readonly before: Placed | null; readonly after: Placed }>): DatedSkuQuantity[] {
  const sums = new Map<string, { sku: string; locationId: string; date: string; quantity: number }>();
  const add = (l: Placed | null, sign: number) => {
    if (l === null || !isHeld(l.statusReason) || l.locationId === null || l.inventoryAvailabilityDate === null) return;
    const key = `${l.sku}\u0000${l.locationId}\u0000${l.inventoryAvailabilityDate}`;
    const seen = sums.get(key);
    if (seen) seen.quantity += sign * l.quantity;
    else sums.set(key, { sku: l.sku, locationId: l.locationId, date: l.inventoryAvailabilityDate, quantity: sign * l.quantity });
  };
  for (const c of changes) {
    add(c.before, -1);
    add(c.after, 1);
  }
  return [...sums.entries()]
    .filter(([, d]) => d.quantity !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, d]) => d);
}
