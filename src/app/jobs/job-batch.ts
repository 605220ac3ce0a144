/**
 * One batch of a job run: the held lines of a few skus, planned by the domain (SPEC section 5) and written in one
 * transaction with their events, outbox rows, reservations, promised quantities and the run's counters, committed
 * only while the run still holds its lease. A dry run plans the same way and writes nothing.
 */
import type { AppContext } from '../context.ts';
import { supplyOf } from '../inventory/supply.ts';
import { SupplyBook } from '../../domain/atp/promising.ts';
import { addDays } from '../../domain/calendar/business-date.ts';
import { JOB_OUTCOMES, planJobBatch } from '../../domain/holds/job-plan.ts';
import type { JobLine, JobOutcome, JobPlan, JobPlanContext } from '../../domain/holds/job-plan.ts';
import { inRunScope, jobMovesLine } from '../../domain/holds/job-kind.ts';
import type { RunScope } from '../../domain/holds/job-kind.ts';
import type { LineChange } from '../../domain/order/order-line.ts';
import type { Product } from '../../domain/inventory/product.ts';
import type { CandidateResolver } from '../../domain/policy/fulfillment-policy.ts';
import type { Settings } from '../../domain/settings/settings.ts';
import { RetryableConflict } from '../../store/errors.ts';
import type { Executor } from '../../store/database.ts';
import type { StoredLine } from '../../store/repositories/orders.repository.ts';
import { findProducts } from '../../store/repositories/catalog.repository.ts';
import { addRunCounts, holdsLease, insertFailedRecords } from '../../store/repositories/jobs.repository.ts';
import type { RunCounts } from '../../store/repositories/jobs.repository.ts';
import type { RunFrame } from './start-run.ts';
import { ZERO_COUNTS } from './start-run.ts';

/** What planning a batch needs besides the lines: the run's fixed context. */
export interface PlanFrame {
  readonly scope: RunScope;
  readonly settings: Settings;
  readonly horizon: number;
  readonly resolver: CandidateResolver;
  /** Facts every event of the run carries. */
  readonly eventContext: Readonly<Record<string, unknown>>;
}

export interface BatchInput {
  readonly lines: readonly StoredLine[];
  readonly products: ReadonlyMap<string, Product>;
  readonly book: SupplyBook;
}

export class LeaseLost extends Error {}

export const planFrameOf = (frame: RunFrame): PlanFrame => ({
  ...frame,
  eventContext: { runId: frame.run.id, trigger: frame.run.trigger },
});

/** Reads a batch: every held line of the skus, their products and their supply (promises left out: the pass makes them). */
export async function loadBatch(ctx: AppContext, trx: Executor, frame: Pick<PlanFrame, 'scope' | 'horizon'>, skus: readonly string[]): Promise<BatchInput> {
  const [lines, products, supply] = await Promise.all([
    ctx.database.store.heldLines(trx, skus),
    findProducts(trx, skus),
    supplyOf(trx, ctx.database.store, skus, frame.scope.today, frame.horizon, { withPromises: false }),
  ]);
  return { lines, products, book: new SupplyBook(frame.horizon, supply) };
}

/**
 * Stored lines as the plan takes them: with their candidate locations and whether their product may be
 * backordered. The lines are read for one batch (or one explanation) alone: completing them in place spares a copy
 * of each.
 */
export function jobLinesOf(resolver: CandidateResolver, lines: readonly StoredLine[], products: ReadonlyMap<string, Product>): (JobLine & StoredLine)[] {
  return lines.map((l) =>
    Object.assign(l, {
      candidates: resolver.candidates(lineContextOf(l)),
      allowBackorder: products.get(l.sku)?.allowBackorder ?? true,
    }),
  );
}

export const lineContextOf = (l: StoredLine) => ({ country: l.shipCountry, region: l.shipRegion, channel: l.channel, sku: l.sku });

/** The plan's context for a batch planned at `now` (everything but the supply book). */
export function planContextOf(frame: PlanFrame, now: number): Omit<JobPlanContext, 'book'> {
  return {
    jobType: frame.scope.kind.jobType,
    today: frame.scope.today,
    now,
    backorders: frame.settings.backorders,
    cancellationSlaDays: frame.settings.cancellationSlaDays,
    inScope: (l) => inRunScope(frame.scope, l as JobLine & StoredLine),
    eventContext: frame.eventContext,
  };
}

export function planBatch(frame: PlanFrame, input: BatchInput, now: number): JobPlan {
  return planJobBatch(jobLinesOf(frame.resolver, input.lines, input.products), { ...planContextOf(frame, now), book: input.book });
}

export function countsOf(plan: JobPlan): Record<keyof RunCounts, number> {
  const counts: Record<keyof RunCounts, number> = { ...ZERO_COUNTS };
  const key: Record<JobOutcome, keyof RunCounts> = Object.fromEntries(JOB_OUTCOMES.map((o) => [o, o])) as Record<JobOutcome, keyof RunCounts>;
  for (const outcome of plan.outcomes.values()) counts[key[outcome]]++;
  return counts;
}

/** Quantities released per (sku, location): one guarded reservation each. */
export function releasedQuantities(changes: readonly LineChange[]): { sku: string; locationId: string; quantity: number }[] {
  const out = new Map<string, { sku: string; locationId: string; quantity: number }>();
  for (const c of changes) {
    if (c.after.statusReason !== 'AwaitingFulfillment' || c.before.statusReason === 'AwaitingFulfillment' || c.after.locationId === null) continue;
    const key = `${c.after.sku}\u0000${c.after.locationId}`;
    const seen = out.get(key);
    if (seen) seen.quantity += c.after.quantity;
    else out.set(key, { sku: c.after.sku, locationId: c.after.locationId, quantity: c.after.quantity });
  }
  return [...out.values()];
}

export interface BatchResult {
  readonly counts: Readonly<Record<keyof RunCounts, number>>;
  readonly changes: readonly LineChange[];
  /** False when a plan made ahead was out of date (or there was none) and the batch was planned under the lock. */
  readonly usedPlanAhead: boolean;
}

/**
 * A batch planned ahead, outside the write transaction (in another thread, from its own snapshot), with a digest of
 * everything the plan read besides the settings of the run: the held versions of its skus (every change to a sku's
 * held lines bumps it), their stock, their scheduled changes in the window and their products. Under the skus' lock
 * the write takes the digest again: the same, the plan is what planning under the lock would give; different, the
 * batch is planned again there.
 */
export interface PlannedBatch {
  readonly plan: JobPlan;
  readonly now: number;
  readonly digest: string;
}

/** What a batch's plan depends on besides its held lines' contents (their versions stand for them), as one string. */
async function inputsDigest(ctx: AppContext, trx: Executor, frame: Pick<PlanFrame, 'scope' | 'horizon'>, skus: readonly string[]): Promise<string> {
  const { store } = ctx.database;
  const today = frame.scope.today;
  const [versions, supply, products] = await Promise.all([
    store.heldVersions(trx, skus),
    store.supply(trx, skus, frame.horizon > 0 ? { after: today, until: addDays(today, frame.horizon) } : null, false),
    findProducts(trx, skus),
  ]);
  const sorted = <T>(rows: readonly T[], key: (r: T) => string) => [...rows].map((r) => [key(r), r] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([
    [...versions].sort(([a], [b]) => (a < b ? -1 : 1)),
    sorted(supply.stock, (r) => `${r.sku}\u0000${r.locationId}`).map(([, r]) => [r.sku, r.locationId, r.onHand, r.reserved]),
    sorted(supply.scheduled, (r) => `${r.sku}\u0000${r.locationId}\u0000${r.date}`).map(([, r]) => [r.sku, r.locationId, r.date, r.quantity]),
    [...products.values()].map((p) => [p.sku, p.allowBackorder, p.preorderEligible, p.launchDate]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
  ]);
}

/** Plans one batch from a snapshot of its own (what a planner ahead of the writes does). */
export async function planAhead(ctx: AppContext, frame: PlanFrame, skus: readonly string[], now: number): Promise<PlannedBatch> {
  const { input, digest } = await ctx.database.read(async (trx) => ({
    input: await loadBatch(ctx, trx, frame, skus),
    digest: await inputsDigest(ctx, trx, frame, skus),
  }));
  return { plan: planBatch(frame, input, now), now, digest };
}

/**
 * Plans (or checks a plan made ahead) and writes one batch in one transaction; throws LeaseLost when another runner
 * has taken the lease.
 */
export async function runBatch(ctx: AppContext, frame: RunFrame, skus: readonly string[], ahead: PlannedBatch | null = null): Promise<BatchResult> {
  const { database, clock } = ctx;
  const { run } = frame;
  const plan = planFrameOf(frame);
  return database.transaction(async (trx) => {
    if (!(await holdsLease(trx, database.store, run.jobType, run.id))) throw new LeaseLost('another runner took over the lease');
    // A batch lost in a crash is lost whole, and the next run redoes it: its commit need not wait for the disk.
    await database.store.batchSession(trx);
    await database.store.lockSkus(trx, skus);
    const fresh = ahead !== null && ahead.digest === (await inputsDigest(ctx, trx, frame, skus));
    const now = fresh ? ahead.now : clock.now();
    const result = fresh ? ahead.plan : planBatch(plan, await loadBatch(ctx, trx, frame, skus), now);
    if (!(await database.store.reserve(trx, releasedQuantities(result.changes), now))) {
      throw new RetryableConflict(`stock of ${skus.length === 1 ? skus[0] : `${skus.length} skus`} changed during the run`);
    }
    await database.store.writeChanges(trx, result.changes, now, run.id);
    const counts = countsOf(result);
    await addRunCounts(trx, run.id, counts);
    return { counts, changes: result.changes, usedPlanAhead: fresh };
  });
}

/** Records the in-scope lines of a batch that could not be written as failed, with the reason; answers how many. */
export async function recordFailedBatch(ctx: AppContext, frame: RunFrame, skus: readonly string[], reason: string): Promise<number> {
  const { run, scope } = frame;
  return ctx.database.transaction(async (trx) => {
    const failed = (await ctx.database.store.heldLines(trx, skus)).filter((l) => inRunScope(scope, l) && jobMovesLine(scope.kind, l, scope.today));
    await insertFailedRecords(
      trx,
      run.id,
      failed.map((l) => ({
        lineId: l.id,
        orderId: l.orderId,
        from: l.statusReason,
        to: l.statusReason,
        inventoryAvailabilityDate: l.inventoryAvailabilityDate,
        estimatedShipmentDate: l.estimatedShipmentDate,
        error: reason,
      })),
    );
    await addRunCounts(trx, run.id, { ...ZERO_COUNTS, failedRecords: failed.length });
    return failed.length;
  });
}
