/**
 * Why a held line has its dates (SPEC section 11), computed by the code the jobs run, never by a copy of it:
 *
 *  - `next` is the batch plan (`planJobBatch`) of the job that moves the line, over every held line of its sku:
 *    what the next run of that job writes for it, so it equals a dry run's record;
 *  - the ATP tables are the promising pass of that plan stopped at the line (`promisingPass(..., until)`): the
 *    book then holds exactly what the lines ahead of it took, which is what the line sees when its turn comes.
 *
 * The line's job: BackorderHold lines are moved by the backorder job (whose run first cancels the lines whose SLA
 * ran out, so they take no supply in its pass); PreorderHold lines by the preorder job.
 */
import type { Candidate, Promised, SupplyBook } from '../atp/promising.ts';
import { promisedByDay, supplyByDay } from '../atp/projection.ts';
import type { LinePlacement } from '../order/order-line.ts';
import type { StatusReason } from '../order/line-status.ts';
import { jobOwning } from './job-kind.ts';
import type { JobType } from './job-kind.ts';
import { planJobBatch, splitSlaExpired } from './job-plan.ts';
import type { JobLine, JobOutcome, JobPlanContext } from './job-plan.ts';
import { comparePriority, notBeforeDay, promisingPass } from './promising-pass.ts';

export interface PromiseDay {
  /** Day index relative to today. */
  readonly day: number;
  /** Available now on day 0, else the schedule quantities dated that day. */
  readonly supply: number;
  /** What the lines ahead of the line are promised on that day here. */
  readonly promisedAhead: number;
  /** P(t) with only the lines ahead promised. */
  readonly projected: number;
  /** ATP(t) with only the lines ahead promised. */
  readonly atp: number;
}

export interface LocationPromise {
  readonly locationId: string;
  readonly handlingDays: number;
  /** Where the pass would put the line at this location: the first day >= its launch with ATP >= its quantity. */
  readonly earliestDay: number | null;
  readonly days: readonly PromiseDay[];
}

export interface Count {
  readonly lines: number;
  readonly quantity: number;
}

export interface QueuePlace {
  /** 1-based place among the held lines of the sku in priority order. */
  readonly position: number;
  readonly ahead: Count;
  /** Of the lines ahead, those the next run cancels first (SLA run out): they take no supply in its pass. */
  readonly expiringAhead: Count;
}

export interface NextRun {
  readonly jobType: JobType;
  readonly statusReason: StatusReason;
  readonly placement: LinePlacement;
  /** How the run counts the line; null when the line is not in its scope (it is only re-dated). */
  readonly outcome: JobOutcome | null;
  /** False when the run leaves the line as it is (no record). */
  readonly changes: boolean;
}

export interface HeldLinePromise {
  readonly queue: QueuePlace;
  /** The first day the line may be promised (its launch), relative to today. */
  readonly notBeforeDay: number;
  /** The line's candidate locations, in location order. */
  readonly locations: readonly LocationPromise[];
  /** Active locations that are not candidates of the line, in location order. */
  readonly elsewhere: readonly LocationPromise[];
  /** What the pass gives the line (null: nowhere within the horizon, or canceled before the pass). */
  readonly promised: Promised | null;
  /** The next run cancels the line before its pass (its backorder SLA ran out). */
  readonly slaExpired: boolean;
  readonly next: NextRun;
}

export interface HeldLinePromiseContext extends Omit<JobPlanContext, 'jobType' | 'book'> {
  /** A fresh book of the sku's supply with no held-line promises in it (the plan and the pass each take one). */
  readonly newBook: () => SupplyBook;
  /** Active locations that are not candidates of the line, in location order. */
  readonly elsewhere: readonly Candidate[];
}

const count = (lines: readonly JobLine[]): Count => ({ lines: lines.length, quantity: lines.reduce((s, l) => s + l.quantity, 0) });

/** Explains one held line among `lines`, every held line of its sku (the line included). */
export function heldLinePromise(lines: readonly JobLine[], target: JobLine, ctx: HeldLinePromiseContext): HeldLinePromise {
  if (target.statusReason !== 'BackorderHold' && target.statusReason !== 'PreorderHold') throw new Error(`line ${target.id} is not held`);
  const jobType = jobOwning(target.statusReason);
  const planCtx = { ...ctx, jobType };

  // What the next run of the line's job does: its plan over the sku, as the run makes it.
  const plan = planJobBatch(lines, { ...planCtx, book: ctx.newBook() });
  const change = plan.changes.find((c) => c.before.id === target.id);
  const after = change?.after ?? target;

  // That plan's pass, stopped at the line.
  const { expired, pending } = splitSlaExpired(lines, planCtx);
  const slaExpired = expired.includes(target);
  const book = ctx.newBook();
  const ahead = promisingPass(pending, book, ctx.today, target);
  const notBefore = notBeforeDay(target, ctx.today);

  const view = (c: Candidate): LocationPromise => {
    const projection = book.projection(target.sku, c.locationId);
    const horizon = projection.horizon;
    const supply = supplyByDay(horizon, book.supplyInput(target.sku, c.locationId));
    const taken = [...ahead].filter(([, p]) => p !== null && p.locationId === c.locationId).map(([l, p]) => ({ day: p!.day, quantity: l.quantity }));
    const promisedAhead = promisedByDay(horizon, taken);
    const days: PromiseDay[] = [];
    for (let t = 0; t <= horizon; t++) days.push({ day: t, supply: supply[t]!, promisedAhead: promisedAhead[t]!, projected: projection.projected(t), atp: projection.atp(t) });
    return { locationId: c.locationId, handlingDays: c.handlingDays, earliestDay: projection.earliest(target.quantity, notBefore), days };
  };

  const queueAhead = lines.filter((l) => comparePriority(l, target) < 0);
  return {
    queue: { position: queueAhead.length + 1, ahead: count(queueAhead), expiringAhead: count(expired.filter((l) => comparePriority(l, target) < 0)) },
    notBeforeDay: notBefore,
    locations: target.candidates.map(view),
    elsewhere: ctx.elsewhere.filter((c) => !target.candidates.some((t) => t.locationId === c.locationId)).map(view),
    promised: slaExpired ? null : book.find(target.sku, target.quantity, target.candidates, notBefore),
    slaExpired,
    next: {
      jobType,
      statusReason: after.statusReason,
      placement: { locationId: after.locationId, inventoryAvailabilityDate: after.inventoryAvailabilityDate, estimatedShipmentDate: after.estimatedShipmentDate },
      outcome: plan.outcomes.get(target.id) ?? null,
      changes: change !== undefined,
    },
  };
}
