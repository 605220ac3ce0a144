/**
 * `GET /api/order-lines/{id}/promise`: why a line has its dates (SPEC section 11). A held line is explained by the
 * plan and the promising pass of the job that moves it, over every held line of its sku, from the same run context
 * a run started now would read (`readRunStart`); everything is read in one snapshot. A released, shipped or
 * canceled line is explained by the move in its history that decided it.
 */
import { notFound } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { supplyOf } from '../inventory/supply.ts';
import { readRunContext, readRunStart } from '../jobs/start-run.ts';
import { jobLinesOf, lineContextOf, planContextOf } from '../jobs/job-batch.ts';
import { addDays } from '../../domain/calendar/business-date.ts';
import { SupplyBook } from '../../domain/atp/promising.ts';
import { jobOwning } from '../../domain/holds/job-kind.ts';
import type { JobType } from '../../domain/holds/job-kind.ts';
import { heldLinePromise } from '../../domain/holds/line-promise.ts';
import type { LocationPromise, QueuePlace } from '../../domain/holds/line-promise.ts';
import { coveringReceipt, explainHeldLine, explainSettledLine } from '../../domain/holds/promise-explanation.ts';
import type { DecidingMove } from '../../domain/holds/promise-explanation.ts';
import { isHeld } from '../../domain/order/line-status.ts';
import type { StatusReason } from '../../domain/order/line-status.ts';
import type { Executor } from '../../store/database.ts';
import { findProducts } from '../../store/repositories/catalog.repository.ts';
import { lineEvents } from '../../store/repositories/events.repository.ts';
import { getLine } from '../../store/repositories/orders.repository.ts';
import type { StoredLine } from '../../store/repositories/orders.repository.ts';
import { receiptReferences } from '../../store/repositories/schedules.repository.ts';

export interface LocationTable {
  readonly locationId: string;
  readonly earliestDate: string | null;
  readonly days: readonly { date: string; supply: number; promisedAhead: number; projected: number; atp: number }[];
}

export interface LinePromiseAnswer {
  readonly line: StoredLine;
  readonly today: string;
  readonly horizonDays: number;
  readonly queue: QueuePlace | null;
  readonly locations: readonly LocationTable[];
  /** Active locations the fulfillment policy leaves out for this line, with the date they would give. */
  readonly otherLocations: readonly Omit<LocationTable, 'days'>[];
  readonly next: {
    readonly jobType: JobType;
    readonly statusReason: StatusReason;
    readonly locationId: string | null;
    readonly inventoryAvailabilityDate: string | null;
    readonly estimatedShipmentDate: string | null;
  } | null;
  readonly explanation: string;
  /** For a released line: where it is reserved and since when. */
  readonly reservation: { readonly locationId: string | null; readonly quantity: number; readonly since: number } | null;
  /** For a line no longer held: the move that decided it. */
  readonly decidedBy: DecidingMove | null;
}

export async function explainLine(ctx: AppContext, lineId: string): Promise<LinePromiseAnswer> {
  const now = ctx.clock.now();
  return ctx.database.read(async (trx) => {
    const line = await getLine(trx, lineId);
    if (!line) throw notFound(`order line ${lineId}`);
    return isHeld(line.statusReason) ? explainHeld(ctx, trx, line, now) : explainSettled(trx, line, now);
  });
}

async function explainHeld(ctx: AppContext, trx: Executor, line: StoredLine, now: number): Promise<LinePromiseAnswer> {
  const jobType = jobOwning(line.statusReason as 'BackorderHold' | 'PreorderHold');
  const start = await readRunStart(ctx, trx, { jobType, skus: [line.sku] }, now, { count: false });
  const { today } = start.scope;
  const [held, products, supply] = await Promise.all([
    ctx.database.store.heldLines(trx, [line.sku]),
    findProducts(trx, [line.sku]),
    supplyOf(trx, ctx.database.store, [line.sku], today, start.horizon, { withPromises: false }),
  ]);
  const lines = jobLinesOf(start.resolver, held, products);
  const target = lines.find((l) => l.id === line.id)!;
  const promise = heldLinePromise(lines, target, {
    ...planContextOf({ ...start, eventContext: {} }, now),
    newBook: () => new SupplyBook(start.horizon, supply),
    elsewhere: start.resolver.activeLocations(),
  });
  const receipt = coveringReceipt(promise, line);
  const references = receipt === null ? [] : await receiptReferences(trx, line.sku, receipt.locationId, addDays(today, receipt.day));
  const dateOf = (day: number | null) => (day === null ? null : addDays(today, day));
  const table = (v: LocationPromise): LocationTable => ({
    locationId: v.locationId,
    earliestDate: dateOf(v.earliestDay),
    days: v.days.map((d) => ({ date: addDays(today, d.day), supply: d.supply, promisedAhead: d.promisedAhead, projected: d.projected, atp: d.atp })),
  });
  return {
    line,
    today,
    horizonDays: start.horizon,
    queue: promise.queue,
    locations: promise.locations.map(table),
    otherLocations: promise.elsewhere.map((v) => ({ locationId: v.locationId, earliestDate: dateOf(v.earliestDay) })),
    next: { jobType: promise.next.jobType, statusReason: promise.next.statusReason, ...promise.next.placement },
    explanation: explainHeldLine({
      today,
      horizon: start.horizon,
      line,
      allowBackorder: target.allowBackorder,
      backorders: start.settings.backorders,
      cancellationSlaDays: start.settings.cancellationSlaDays,
      promise,
      ruleName: start.resolver.rule(lineContextOf(line))?.name ?? null,
      receiptReferences: references,
    }),
    reservation: null,
    decidedBy: null,
  };
}

async function explainSettled(trx: Executor, line: StoredLine, now: number): Promise<LinePromiseAnswer> {
  const [events, run] = await Promise.all([lineEvents(trx, line.sku, line.id), readRunContext(trx, now)]);
  // The move into the line's status reason: for a released line its release, for an ended one the move that ended it.
  const event = [...events].reverse().find((e) => e.to === line.statusReason && e.from !== e.to) ?? null;
  let move: DecidingMove | null = null;
  if (event) {
    const runId = typeof event.data.runId === 'string' ? event.data.runId : null;
    move = {
      from: event.from as StatusReason,
      to: event.to as StatusReason,
      at: event.at,
      runId,
      // The history names the run's job (events.repository.ts reads it with the events).
      jobType: typeof event.data.jobType === 'string' ? event.data.jobType : null,
      trigger: typeof event.data.trigger === 'string' ? event.data.trigger : null,
      actor: typeof event.data.actor === 'string' ? event.data.actor : null,
    };
  }
  return {
    line,
    today: run.today,
    horizonDays: run.horizon,
    queue: null,
    locations: [],
    otherLocations: [],
    next: null,
    explanation: explainSettledLine(line, move, run.settings.timeZone),
    reservation: line.statusReason === 'AwaitingFulfillment' && move !== null ? { locationId: line.locationId, quantity: line.quantity, since: move.at } : null,
    decidedBy: move,
  };
}
