/**
 * Reference models of order intake (SPEC section 3, steps 2-4) and of one background job batch (SPEC section 5),
 * written from the SPEC text on top of the brute-force ATP model. Test support only.
 */
import { modelDate, modelDayNumber, modelPass } from '../atp/atp-model.test-support.ts';
import type { ModelBook, ModelCandidate, ModelPassLine, ModelPromised } from '../atp/atp-model.test-support.ts';

export interface ModelPlacement {
  readonly locationId: string | null;
  readonly inventoryAvailabilityDate: string | null;
  readonly estimatedShipmentDate: string | null;
}

export const NOWHERE: ModelPlacement = { locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null };

/** `inventoryAvailabilityDate` = the promised date; `estimatedShipmentDate` = that date + the location's handling days. */
export function modelPlacement(today: string, p: ModelPromised | null): ModelPlacement {
  if (p === null) return NOWHERE;
  const t = modelDayNumber(today);
  return { locationId: p.locationId, inventoryAvailabilityDate: modelDate(t + p.day), estimatedShipmentDate: modelDate(t + p.day + p.handlingDays) };
}

export interface ModelProduct {
  readonly preorderEligible: boolean;
  readonly launchDate: string | null;
  readonly allowBackorder: boolean;
}

export interface ModelIntakeLine {
  readonly lineNumber: number;
  readonly sku: string;
  readonly quantity: number;
  readonly product: ModelProduct;
  readonly candidates: readonly ModelCandidate[];
}

export interface ModelIntakeDecision {
  readonly lineNumber: number;
  readonly to: 'PreorderHold' | 'BackorderHold' | 'AwaitingFulfillment' | 'OutOfStock';
  readonly placement: ModelPlacement;
  readonly launchDate: string | null;
  readonly backorderedAt: number | null;
}

export interface ModelIntakeContext {
  readonly today: string;
  readonly now: number;
  readonly backorders: boolean;
  readonly scheduleOn: boolean;
  /** Every location id in location order. */
  readonly locationOrder: readonly string[];
}

/**
 * Intake steps 2-4. The book counts the promises of existing held lines; every promise and reservation of the new
 * order is written into it (a release reserves now; a hold is promised at its date).
 */
export function modelIntake(lines: readonly ModelIntakeLine[], ctx: ModelIntakeContext, book: ModelBook): ModelIntakeDecision[] {
  const todayNumber = modelDayNumber(ctx.today);
  const byNumber = [...lines].sort((a, b) => a.lineNumber - b.lineNumber);
  const out = new Map<number, ModelIntakeDecision>();

  // 2. preorder lines, one by one in lineNumber order, never dated before launch
  const rest: ModelIntakeLine[] = [];
  for (const l of byNumber) {
    const launch = l.product.launchDate;
    if (l.product.preorderEligible && launch !== null && modelDayNumber(launch) > todayNumber) {
      const p = ctx.scheduleOn ? book.promise(l.sku, l.quantity, l.candidates, modelDayNumber(launch) - todayNumber) : null;
      out.set(l.lineNumber, { lineNumber: l.lineNumber, to: 'PreorderHold', placement: modelPlacement(ctx.today, p), launchDate: launch, backorderedAt: null });
    } else {
      rest.push(l);
    }
  }

  const release = (l: ModelIntakeLine, c: ModelCandidate) => {
    book.reserve(l.sku, c.locationId, l.quantity);
    out.set(l.lineNumber, {
      lineNumber: l.lineNumber,
      to: 'AwaitingFulfillment',
      placement: modelPlacement(ctx.today, { ...c, day: 0 }),
      launchDate: null,
      backorderedAt: null,
    });
  };

  // 4a. the first location (location order), a candidate of every line, covering all of them together today
  if (rest.length > 0) {
    for (const loc of ctx.locationOrder) {
      if (!rest.every((l) => l.candidates.some((c) => c.locationId === loc))) continue;
      const need = new Map<string, number>();
      for (const l of rest) need.set(l.sku, (need.get(l.sku) ?? 0) + l.quantity);
      if ([...need].every(([sku, q]) => book.atp(sku, loc, 0) >= q)) {
        for (const l of rest) release(l, l.candidates.find((c) => c.locationId === loc)!);
        return byNumber.map((l) => out.get(l.lineNumber)!);
      }
    }
  }

  // 4b. line by line
  for (const l of rest) {
    const first = l.candidates.find((c) => book.atp(l.sku, c.locationId, 0) >= l.quantity);
    if (first) {
      release(l, first);
    } else if (ctx.backorders && l.product.allowBackorder) {
      const p = book.promise(l.sku, l.quantity, l.candidates, 0);
      out.set(l.lineNumber, { lineNumber: l.lineNumber, to: 'BackorderHold', placement: modelPlacement(ctx.today, p), launchDate: null, backorderedAt: ctx.now });
    } else {
      out.set(l.lineNumber, { lineNumber: l.lineNumber, to: 'OutOfStock', placement: NOWHERE, launchDate: null, backorderedAt: null });
    }
  }
  return byNumber.map((l) => out.get(l.lineNumber)!);
}

export type HeldReason = 'PreorderHold' | 'BackorderHold';

export interface ModelJobLine extends ModelPassLine {
  readonly statusReason: HeldReason;
  readonly placement: ModelPlacement;
  readonly backorderedAt: number | null;
  readonly allowBackorder: boolean;
  readonly version: number;
  /** In the job's scope when the run started (the caller's mark). */
  readonly markedInScope: boolean;
}

export interface ModelJobContext {
  readonly jobType: 'backorder' | 'preorder';
  readonly today: string;
  readonly now: number;
  readonly backorders: boolean;
  readonly cancellationSlaDays: number | null;
}

export interface ModelLineResult {
  readonly to: string;
  readonly placement: ModelPlacement;
  readonly backorderedAt: number | null;
}

export interface ModelJobResult {
  /** Only the lines that move or get new dates. */
  readonly changes: Map<string, ModelLineResult>;
  readonly outcomes: Map<string, 'movedToFulfillment' | 'movedToBackorder' | 'stillOnHold' | 'canceled'>;
}

const same = (a: ModelPlacement, b: ModelPlacement) =>
  a.locationId === b.locationId && a.inventoryAvailabilityDate === b.inventoryAvailabilityDate && a.estimatedShipmentDate === b.estimatedShipmentDate;

/** One job batch, SPEC section 5: SLA cancellations, one pass, moves in scope, new dates where they changed. */
export function modelJob(lines: readonly ModelJobLine[], ctx: ModelJobContext, book: ModelBook): ModelJobResult {
  const todayNumber = modelDayNumber(ctx.today);
  const inScope = (l: ModelJobLine) =>
    l.markedInScope &&
    (ctx.jobType === 'backorder'
      ? l.statusReason === 'BackorderHold'
      : l.statusReason === 'PreorderHold' && l.launchDate !== null && modelDayNumber(l.launchDate) <= todayNumber);
  const changes = new Map<string, ModelLineResult>();
  const outcomes = new Map<string, 'movedToFulfillment' | 'movedToBackorder' | 'stillOnHold' | 'canceled'>();

  const left: ModelJobLine[] = [];
  for (const l of lines) {
    const expired =
      ctx.jobType === 'backorder' &&
      inScope(l) &&
      ctx.cancellationSlaDays !== null &&
      l.backorderedAt !== null &&
      l.backorderedAt + ctx.cancellationSlaDays * 24 * 60 * 60 * 1000 <= ctx.now;
    if (expired) {
      changes.set(l.id, { to: 'BackorderSlaExpired', placement: NOWHERE, backorderedAt: l.backorderedAt });
      outcomes.set(l.id, 'canceled');
    } else {
      left.push(l);
    }
  }

  const promised = modelPass(left, book, ctx.today);
  for (const l of left) {
    const p = promised.get(l.id) ?? null;
    const placement = modelPlacement(ctx.today, p);
    const redate = () => {
      if (!same(placement, l.placement)) changes.set(l.id, { to: l.statusReason, placement, backorderedAt: l.backorderedAt });
    };
    if (!inScope(l)) {
      redate();
    } else if (p !== null && p.day === 0) {
      changes.set(l.id, { to: 'AwaitingFulfillment', placement, backorderedAt: l.backorderedAt });
      outcomes.set(l.id, 'movedToFulfillment');
    } else if (ctx.jobType === 'backorder') {
      redate();
      outcomes.set(l.id, 'stillOnHold');
    } else if (ctx.backorders && l.allowBackorder) {
      changes.set(l.id, { to: 'BackorderHold', placement, backorderedAt: ctx.now });
      outcomes.set(l.id, 'movedToBackorder');
    } else {
      changes.set(l.id, { to: 'OutOfStock', placement: NOWHERE, backorderedAt: l.backorderedAt });
      outcomes.set(l.id, 'canceled');
    }
  }
  return { changes, outcomes };
}
