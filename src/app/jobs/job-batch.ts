/**
 * One batch of a job run: the held lines of a few skus, planned by the domain (SPEC section 5) and written in one
 * transaction with their events, reservations, promised quantities and the run's counters, committed
 * only while the run still holds its lease. A dry run plans the same way and writes nothing.
 */
import type { AppContext } from '../context.ts';
import { supplyOf } from '../inventory/supply.ts';
import { SupplyBook } from '../../domain/atp/promising.ts';
import { JOB_OUTCOMES, planJobBatch } from '../../domain/holds/job-plan.ts';
import type { JobLine, JobOutcome, JobPlan, JobPlanContext } from '../../domain/holds/job-plan.ts';
import type { LineMove } from '../metrics.ts';
import type { PreparedChanges, SkuQuantity, StoreDialect } from '../../store/dialect/store-dialect.ts';
import { inRunScope, jobMovesLine } from '../../domain/holds/job-kind.ts';
import type { RunScope } from '../../domain/holds/job-kind.ts';
import type { Product } from '../../domain/inventory/product.ts';
import type { LineChange } from '../../domain/order/order-line.ts';
import type { CandidateResolver } from '../../domain/policy/fulfillment-policy.ts';
import type { Settings } from '../../domain/settings/settings.ts';
import { RetryableConflict } from '../../store/errors.ts';
import type { Executor } from '../../store/database.ts';
import type { StoredLine } from '../../store/repositories/orders.repository.ts';
import { findProducts } from '../../store/repositories/catalog.repository.ts';
import { addRunCounts, holdsLease, insertFailedRecords, writeSettledSkus } from '../../store/repositories/jobs.repository.ts';
import type { RunCounts } from '../../store/repositories/jobs.repository.ts';
import type { RunFrame } from './start-run.ts';
import { ZERO_COUNTS } from './start-run.ts';
import { batchDigest, releasedQuantities, settledAfter, skippableSkus, skuStates, stateKeyOf } from './settled-skus.ts';
import type { Settles } from './settled-skus.ts';

/** What planning a batch needs besides the lines: the run's fixed context. */
export interface PlanFrame {
  readonly scope: RunScope;
  readonly settings: Settings;
  readonly horizon: number;
  readonly resolver: CandidateResolver;
  /** Facts every event of the run carries. */
  readonly eventContext: Readonly<Record<string, unknown>>;
  /** The run's side of the keys of settled skus (`settledContextKey`); absent, no sku is skipped or recorded settled. */
  readonly settledKey?: string;
}

export interface BatchInput {
  readonly lines: readonly StoredLine[];
  readonly products: ReadonlyMap<string, Product>;
  readonly book: SupplyBook;
}

export class LeaseLost extends Error {}

/** What a run's events record of it: its trigger. The run itself is beside each event (its run_id, written by writePrepared). */
export const eventContextOf = (frame: RunFrame): PlanFrame['eventContext'] => ({ trigger: frame.run.trigger });

export const planFrameOf = (frame: RunFrame): PlanFrame => ({ ...frame, eventContext: eventContextOf(frame) });

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

export interface BatchResult {
  readonly counts: Readonly<Record<keyof RunCounts, number>>;
  /** How the batch's lines moved, counted (for the metrics). */
  readonly moves: readonly LineMove[];
  /** False when a plan made ahead was out of date (or there was none) and the batch was planned under the lock. */
  readonly usedPlanAhead: boolean;
  /** Skus of the batch skipped as settled (their lines were not read). */
  readonly skipped: number;
}

/**
 * A batch's plan, with a digest of everything it read besides the settings of the run: the states of its skus
 * (`skuStates`: held versions, stock, scheduled changes in the window, products). A batch planned ahead, outside
 * the write transaction (in another thread, from its own snapshot), is only a proposal: under the skus' lock the
 * write takes the digest again; the same, the plan is what planning under the lock would give; different, the batch
 * is planned again there.
 */
export interface PlannedBatch {
  /** The plan's outcomes, counted. */
  readonly counts: Readonly<Record<keyof RunCounts, number>>;
  readonly write: BatchWrite;
  readonly now: number;
  readonly digest: string;
  /** Skus skipped as settled, each with the lines it counts still on hold. */
  readonly skipped: readonly (readonly [string, number])[];
  /** Skus the plan leaves settled, to record once it is written. */
  readonly settles: readonly Settles[];
}

/**
 * What a batch writes, made once where it was planned (in the planner's thread, only plain data crosses back): the
 * store's prepared changes, what the write reserves, and how the lines move.
 */
export interface BatchWrite {
  readonly prepared: PreparedChanges;
  readonly released: readonly SkuQuantity[];
  readonly moves: readonly LineMove[];
}

export function batchWriteOf(store: StoreDialect, changes: readonly LineChange[]): BatchWrite {
  return { prepared: store.prepareChanges(changes), released: releasedQuantities(changes), moves: movesOf(changes) };
}

/** How changes move lines, one entry per (from, to) with its count. */
function movesOf(changes: readonly LineChange[]): LineMove[] {
  const counts = new Map<string, Map<string, number>>();
  for (const { event } of changes) {
    let to = counts.get(event.from);
    if (!to) counts.set(event.from, (to = new Map()));
    to.set(event.to, (to.get(event.to) ?? 0) + 1);
  }
  return [...counts].flatMap(([from, to]) => [...to].map(([reason, count]) => ({ from, to: reason, count })));
}

/** What planning a batch read: its skus' states, the skus skipped as settled, and the others' lines and supply. */
interface BatchRead {
  readonly states: ReadonlyMap<string, string>;
  readonly skipped: readonly (readonly [string, number])[];
  readonly input: BatchInput | null;
}

/** Reads a batch whose skus' states were just read: settled skus are skipped, the others' held lines read. */
async function readBatch(ctx: AppContext, trx: Executor, frame: PlanFrame, states: ReadonlyMap<string, string>, now: number): Promise<BatchRead> {
  const skippable = frame.settledKey === undefined ? new Map<string, number>() : await skippableSkus(trx, frame.scope.kind.jobType, frame.settledKey, states, now);
  const rest = [...states.keys()].filter((sku) => !skippable.has(sku));
  return { states, skipped: [...skippable], input: rest.length === 0 ? null : await loadBatch(ctx, trx, frame, rest) };
}

/** Plans what a batch read, works out which of its skus the plan leaves settled, and prepares its write. */
function planRead(store: StoreDialect, frame: PlanFrame, read: BatchRead, now: number): PlannedBatch {
  const digest = batchDigest(read.states);
  if (read.input === null) return { counts: { ...ZERO_COUNTS }, write: batchWriteOf(store, []), now, digest, skipped: read.skipped, settles: [] };
  const lines = jobLinesOf(frame.resolver, read.input.lines, read.input.products);
  const context = planContextOf(frame, now);
  const plan = planJobBatch(lines, { ...context, book: read.input.book });
  const settles = frame.settledKey === undefined ? [] : settledAfter(lines, plan, read.input.book, context);
  return { counts: countsOf(plan), write: batchWriteOf(store, plan.changes), now, digest, skipped: read.skipped, settles };
}

/** Plans one batch from a snapshot of its own (what a planner ahead of the writes does). */
export async function planAhead(ctx: AppContext, frame: PlanFrame, skus: readonly string[], now: number): Promise<PlannedBatch> {
  const read = await ctx.database.read(async (trx) => readBatch(ctx, trx, frame, await skuStates(ctx, trx, frame, skus), now));
  return planRead(ctx.database.store, frame, read, now);
}

/**
 * Plans (or checks a plan made ahead) and writes one batch in one transaction; throws LeaseLost when another runner
 * has taken the lease.
 */
export async function runBatch(ctx: AppContext, frame: RunFrame, skus: readonly string[], ahead: PlannedBatch | null = null): Promise<BatchResult> {
  const { database, clock } = ctx;
  const { run } = frame;
  const plan = planFrameOf(frame);
  let attempts = 0;
  return database.transaction(async (trx) => {
    // A retried batch (a conflict its digest did not see: stock taken meanwhile, a row moved) plans under the lock.
    const offered = attempts++ === 0 ? ahead : null;
    if (!(await holdsLease(trx, database.store, run.jobType, run.id))) throw new LeaseLost('another runner took over the lease');
    // A batch lost in a crash is lost whole, and the next run redoes it: its commit need not wait for the disk.
    await database.store.batchSession(trx);
    await database.store.lockSkus(trx, skus);
    const states = await skuStates(ctx, trx, plan, skus);
    const fresh = offered !== null && offered.digest === batchDigest(states);
    const now = clock.now();
    const planned = fresh ? offered : planRead(database.store, plan, await readBatch(ctx, trx, plan, states, now), now);
    const { write } = planned;
    if (!(await database.store.reserve(trx, write.released, planned.now))) {
      throw new RetryableConflict(`stock of ${skus.length === 1 ? skus[0] : `${skus.length} skus`} changed during the run`);
    }
    const events = await database.store.writePrepared(trx, write.prepared, run.id);
    if (planned.settles.length > 0 && plan.settledKey !== undefined) {
      // The key of each settled sku's state as the write left it, read back here: exact, whatever the write did.
      const written = await skuStates(ctx, trx, plan, planned.settles.map((s) => s.sku));
      const key = plan.settledKey;
      await writeSettledSkus(
        trx,
        run.jobType,
        planned.settles.map((s) => ({ sku: s.sku, stateKey: stateKeyOf(key, written.get(s.sku)!), stillOnHold: s.stillOnHold, validUntil: s.validUntil })),
      );
    }
    const counts = { ...planned.counts };
    for (const [, stillOnHold] of planned.skipped) counts.stillOnHold += stillOnHold;
    await addRunCounts(trx, run.id, counts, events);
    return { counts, moves: write.moves, usedPlanAhead: fresh, skipped: planned.skipped.length };
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
