/**
 * Bulk on-hand counts from the warehouse. A count below what is reserved is recorded all the same (the
 * warehouse is the truth) and shows as a shortage. A changed count starts an event-triggered backorder run.
 */
import type { AppContext } from '../context.ts';
import type { Executor } from '../../store/database.ts';
import { setOnHand as store, stockForSkus } from '../../store/repositories/stock.repository.ts';
import { checkDistinct, checkReferences } from './references.ts';

const PROGRESS_CHUNK = 5_000;

export interface OnHandRow {
  readonly sku: string;
  readonly locationId: string;
  readonly onHand: number;
}

/** All rows in one transaction; `onProgress` hears how many are written as the chunks go. */
export async function setOnHand(ctx: AppContext, rows: readonly OnHandRow[], onProgress?: (written: number) => void): Promise<{ count: number }> {
  checkDistinct(rows);
  const changed = await ctx.database.transaction(async (trx) => {
    await checkReferences(trx, rows);
    const changed: string[] = [];
    for (let i = 0; i < rows.length; i += PROGRESS_CHUNK) {
      changed.push(...(await writeOnHand(ctx, trx, rows.slice(i, i + PROGRESS_CHUNK))));
      onProgress?.(Math.min(rows.length, i + PROGRESS_CHUNK));
    }
    return changed;
  });
  if (changed.length) ctx.supplyChanged(changed);
  return { count: rows.length };
}

/**
 * Writes checked rows (known skus and locations, no (sku, location) twice in the whole import) inside the
 * caller's transaction; answers the skus whose count changed (their event run re-checks them).
 */
export async function writeOnHand(ctx: AppContext, trx: Executor, rows: readonly OnHandRow[]): Promise<string[]> {
  const skus = rows.map((r) => r.sku);
  await ctx.database.lockSkus(trx, skus);
  const before = new Map((await stockForSkus(trx, skus)).map((s) => [`${s.sku}\u0000${s.locationId}`, s.onHand]));
  await store(trx, rows, ctx.clock.now());
  return rows.filter((r) => r.onHand !== (before.get(`${r.sku}\u0000${r.locationId}`) ?? 0)).map((r) => r.sku);
}
