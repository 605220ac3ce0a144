/**
 * Bulk on-hand deltas (receipts, write-offs, transfers). All or nothing: a delta that would take on-hand below
 * zero fails the request, naming its row. Every delta starts an event-triggered backorder run.
 */
import { csvProblem } from './bulk-errors.ts';
import type { FieldError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { MAX_ON_HAND, adjustOnHand } from '../../store/repositories/stock.repository.ts';
import { checkReferences } from './references.ts';

export interface AdjustmentRow {
  readonly sku: string;
  readonly locationId: string;
  readonly delta: number;
  readonly reference?: string | null;
}

export async function adjustStock(ctx: AppContext, rows: readonly AdjustmentRow[]): Promise<{ count: number }> {
  await ctx.database.transaction(async (trx) => {
    await checkReferences(trx, rows);
    await ctx.database.lockSkus(trx, rows.map((r) => r.sku));
    const now = ctx.clock.now();
    const errors: FieldError[] = [];
    for (const [i, r] of rows.entries()) {
      if (!(await adjustOnHand(trx, r.sku, r.locationId, r.delta, now))) {
        errors.push({ path: `/${i}/delta`, message: `would take on-hand of ${r.sku} at ${r.locationId} below zero or above ${MAX_ON_HAND}` });
      }
    }
    if (errors.length) throw csvProblem(errors, errors.length, rows.length, 'the body');
  });
  const changed = rows.filter((r) => r.delta !== 0).map((r) => r.sku);
  if (changed.length) ctx.supplyChanged(changed);
  return { count: rows.length };
}
