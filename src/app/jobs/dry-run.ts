/**
 * A dry run (SPEC section 5): what a manual run started now would do, computed as that run computes it, and
 * writing nothing at all (no lease, no run, no line, stock, event or webhook row).
 *
 * It starts from the same `readRunStart` as a run (scope, settings, candidates, the lines in scope, the last
 * committed event), then walks the same batches: `nextSkus`, `loadBatch` and `planBatch`, each batch read in one
 * snapshot of its own as a run's batch is read in its transaction. Batches are handed over one at a time as they
 * are planned, with the event loop given back between them, so the answer over a million held lines streams in
 * memory bounded by a batch.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { AppContext } from '../context.ts';
import type { JobType } from '../../domain/holds/job-kind.ts';
import type { LineChange } from '../../domain/order/order-line.ts';
import type { RunCounts, RunRecord } from '../../store/repositories/jobs.repository.ts';
import { countsOf, loadBatch, planBatch } from './job-batch.ts';
import type { PlanFrame } from './job-batch.ts';
import { nextSkus } from './next-skus.ts';
import { readRunStart, ZERO_COUNTS } from './start-run.ts';

export interface DryRunBatch {
  /** The records the batch would write, in (sku, line id) order. */
  readonly records: readonly RunRecord[];
  readonly counts: RunCounts;
}

export interface DryRun {
  readonly jobType: JobType;
  readonly startedAt: number;
  /** The lines in scope at the start (as a run counts them). */
  readonly processed: number;
  /** The batches, planned one by one as they are asked for. */
  batches(): AsyncGenerator<DryRunBatch>;
}

export interface BatchLimits {
  readonly batchSkus: number;
  readonly batchLines: number;
}

/** A run record as the run details list it (the line after the change). */
export function recordOf(change: LineChange): RunRecord {
  const { before, after } = change;
  return {
    lineId: after.id,
    orderId: after.orderId,
    sku: after.sku,
    locationId: after.locationId,
    quantity: after.quantity,
    from: before.statusReason,
    to: after.statusReason,
    inventoryAvailabilityDate: after.inventoryAvailabilityDate,
    estimatedShipmentDate: after.estimatedShipmentDate,
    error: null,
  };
}

const bySkuThenLine = (a: RunRecord, b: RunRecord) => (a.sku !== b.sku ? (a.sku < b.sku ? -1 : 1) : a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0);

export async function startDryRun(ctx: AppContext, jobType: JobType, limits: BatchLimits): Promise<DryRun> {
  const { database, clock } = ctx;
  // As a run does: statistics refreshed when stale (no row of ours changes), so the batches get the run's plans.
  await database.store.beforeRun(database.db);
  const startedAt = clock.now();
  const start = await database.read((trx) => readRunStart(ctx, trx, { jobType, skus: null }, startedAt, { count: true }));
  const frame: PlanFrame = { ...start, eventContext: {} };
  return {
    jobType,
    startedAt,
    processed: start.processed ?? 0,
    async *batches() {
      let after: string | null = null;
      for (;;) {
        const skus = await nextSkus(ctx, frame.scope, { after, maxSkus: limits.batchSkus, maxLines: limits.batchLines });
        if (skus.length === 0) return;
        const input = await database.read((trx) => loadBatch(ctx, trx, frame, skus));
        const plan = planBatch(frame, input, clock.now());
        yield { records: plan.changes.map(recordOf).sort(bySkuThenLine), counts: countsOf(plan) };
        after = skus[skus.length - 1]!;
        // As the runner does between batches: requests and timers run here.
        await yieldToLoop();
      }
    },
  };
}

/**
 * The counts a run would end with, as `finishRun` settles them: lines in scope that no batch accounted for left
 * the scope before their batch came (counted as canceled), and `processed` grows to cover a line that entered
 * the scope as the run started.
 */
export function settledCounts(processed: number, counts: RunCounts): RunCounts & { processed: number } {
  const accounted = counts.movedToFulfillment + counts.movedToBackorder + counts.stillOnHold + counts.canceled + counts.failedRecords;
  return { ...counts, canceled: counts.canceled + Math.max(0, processed - accounted), processed: Math.max(processed, accounted) };
}

export const addCounts = (a: RunCounts, b: RunCounts): RunCounts => ({
  movedToFulfillment: a.movedToFulfillment + b.movedToFulfillment,
  movedToBackorder: a.movedToBackorder + b.movedToBackorder,
  stillOnHold: a.stillOnHold + b.stillOnHold,
  canceled: a.canceled + b.canceled,
  failedRecords: a.failedRecords + b.failedRecords,
});

export { ZERO_COUNTS };
