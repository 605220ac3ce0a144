/**
 * What one batch of a background job does to the held lines of its skus (SPEC section 5), as a pure plan.
 *
 *  - backorder: cancels BackorderHold lines whose SLA ran out, runs the promising pass over the rest, releases
 *    the BackorderHold lines promised today and re-dates every held line whose promise changed;
 *  - preorder: runs the pass, releases the launched preorder lines promised today, moves the other launched
 *    ones to BackorderHold (or OutOfStock where backorders are off or the product disallows them) and re-dates
 *    every held line whose promise changed.
 *
 * Only lines in the job's scope move; the others are re-dated. The caller marks which lines were in scope when
 * the run started.
 */
import type { BusinessDate } from '../calendar/business-date.ts';
import type { SupplyBook } from '../atp/promising.ts';
import { moveLine, redateLine } from '../order/order-line.ts';
import type { LineChange, LinePlacement, OrderLine } from '../order/order-line.ts';
import { placementOf } from './placement.ts';
import { promisingPass } from './promising-pass.ts';
import type { PassLine } from './promising-pass.ts';

import { JOB_KINDS, jobMovesLine } from './job-kind.ts';
import type { JobType } from './job-kind.ts';

export { JOB_TYPES } from './job-kind.ts';
export type { JobType } from './job-kind.ts';

export const JOB_OUTCOMES = ['movedToFulfillment', 'movedToBackorder', 'stillOnHold', 'canceled'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

export interface JobLine extends OrderLine, PassLine {
  readonly allowBackorder: boolean;
}

export interface JobPlanContext {
  readonly jobType: JobType;
  readonly today: BusinessDate;
  readonly now: number;
  readonly backorders: boolean;
  readonly cancellationSlaDays: number | null;
  /** Supply with no held-line promises in it: the pass promises all held lines afresh. */
  readonly book: SupplyBook;
  /** Whether a line was in the job's scope when the run started. */
  readonly inScope: (line: JobLine) => boolean;
  /** Facts every event of this run carries (run id, trigger). */
  readonly eventContext: Readonly<Record<string, unknown>>;
}

export interface JobPlan {
  /** Moves and re-datings, each with its event. */
  readonly changes: readonly LineChange[];
  /** How each in-scope line ended. */
  readonly outcomes: ReadonlyMap<string, JobOutcome>;
}

const DAY_MS = 86_400_000;

/** When a line's cancellation SLA runs out: BackorderHold lines only, with an SLA set (null otherwise). */
export function slaDeadline(line: Pick<OrderLine, 'statusReason' | 'backorderedAt'>, slaDays: number | null): number | null {
  return slaDays !== null && line.statusReason === 'BackorderHold' && line.backorderedAt !== null ? line.backorderedAt + slaDays * DAY_MS : null;
}

/** True when a BackorderHold line's cancellation SLA has run out at `now`. */
export function slaExpired(line: Pick<OrderLine, 'statusReason' | 'backorderedAt'>, slaDays: number | null, now: number): boolean {
  const deadline = slaDeadline(line, slaDays);
  return deadline !== null && deadline <= now;
}

type ScopeContext = Pick<JobPlanContext, 'jobType' | 'today' | 'inScope'>;

/** True when the run may move the line: the job moves lines like it and it was in scope when the run started. */
export function planScoped(ctx: ScopeContext, line: JobLine): boolean {
  return jobMovesLine(JOB_KINDS[ctx.jobType], line, ctx.today) && ctx.inScope(line);
}

/**
 * Step 1 of a batch: the lines a backorder run cancels because their SLA ran out (before the pass, so they take
 * no supply in it), and the lines left for the pass.
 */
export function splitSlaExpired<L extends JobLine>(lines: readonly L[], ctx: ScopeContext & Pick<JobPlanContext, 'now' | 'cancellationSlaDays'>): { expired: L[]; pending: L[] } {
  const expired: L[] = [];
  const pending: L[] = [];
  for (const line of lines) {
    if (ctx.jobType === 'backorder' && planScoped(ctx, line) && slaExpired(line, ctx.cancellationSlaDays, ctx.now)) expired.push(line);
    else pending.push(line);
  }
  return { expired, pending };
}

export function planJobBatch(lines: readonly JobLine[], ctx: JobPlanContext): JobPlan {
  const changes: LineChange[] = [];
  const outcomes = new Map<string, JobOutcome>();
  const scoped = (l: JobLine) => planScoped(ctx, l);
  const apply = (change: LineChange | null) => {
    if (change) changes.push(change);
  };
  const move = (line: JobLine, to: Parameters<typeof moveLine>[1], options: Parameters<typeof moveLine>[3]) => {
    const result = moveLine(line, to, ctx.now, { ...options, context: ctx.eventContext });
    if (!result.ok) throw new Error(`job plan moved ${line.id} ${result.from} -> ${result.to}`);
    apply(result.change);
  };

  // 1. SLA cancellations come before the pass, so canceled lines take no supply in it.
  const { expired, pending } = splitSlaExpired(lines, ctx);
  for (const line of expired) {
    move(line, 'BackorderSlaExpired', {});
    outcomes.set(line.id, 'canceled');
  }

  // 2. One pass over every remaining held line; 3. moves in scope; 4. new dates where they changed.
  const promises = promisingPass(pending, ctx.book, ctx.today);
  for (const line of pending) {
    const promised = promises.get(line) ?? null;
    const placement: LinePlacement = placementOf(ctx.today, promised);
    if (!scoped(line)) {
      apply(redateLine(line, placement, ctx.now, ctx.eventContext));
      continue;
    }
    if (promised !== null && promised.day === 0) {
      move(line, 'AwaitingFulfillment', { placement });
      outcomes.set(line.id, 'movedToFulfillment');
    } else if (ctx.jobType === 'backorder') {
      apply(redateLine(line, placement, ctx.now, ctx.eventContext));
      outcomes.set(line.id, 'stillOnHold');
    } else if (ctx.backorders && line.allowBackorder) {
      move(line, 'BackorderHold', { placement, backorderedAt: ctx.now });
      outcomes.set(line.id, 'movedToBackorder');
    } else {
      move(line, 'OutOfStock', {});
      outcomes.set(line.id, 'canceled');
    }
  }
  return { changes, outcomes };
}
