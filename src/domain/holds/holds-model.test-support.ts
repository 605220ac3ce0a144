/**
 * Reference models of order intake (SPEC section 3, steps 2-4) and of one background job batch (SPEC section 5),
 * written from the SPEC text on top of the brute-force ATP model. Test support only.
 */
import fc from 'fast-check';
import { ModelBook, modelDate, modelDayNumber, modelPass } from '../atp/atp-model.test-support.ts';
import type { ModelCandidate, ModelPassLine, ModelPromised } from '../atp/atp-model.test-support.ts';
import { arbPassLines, arbWorld, supplyOf } from '../atp/atp-arbitraries.test-support.ts';
import type { World, WorldLocation } from '../atp/atp-arbitraries.test-support.ts';

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

const DAY_MS = 24 * 60 * 60 * 1000;

/** One held line of a random job case, with what decides its state: hold, backorder age, stored placement, scope. */
export interface JobCaseLine {
  readonly line: ModelPassLine;
  readonly backorderHold: boolean;
  readonly allowBackorder: boolean;
  readonly marked: boolean;
  readonly ageDays: number;
  readonly jitter: number;
  /** Stored placement: the fresh pass's (true), else `other` (a random one) or none. */
  readonly keepPlacement: boolean;
  readonly other: { readonly loc: WorldLocation; readonly offset: number } | null;
  readonly version: number;
}

/** A random world with held lines for a job batch: job type, settings, the instant, and each line's state. */
export interface JobCase {
  readonly world: World;
  readonly jobType: 'backorder' | 'preorder';
  readonly backorders: boolean;
  readonly sla: number | null;
  readonly now: number;
  readonly extras: readonly JobCaseLine[];
}

export const arbJobCase: fc.Arbitrary<JobCase> = arbWorld({ withPromises: false }).chain((world) =>
  arbPassLines(world).chain((passLines) =>
    fc.record({
      world: fc.constant(world),
      jobType: fc.constantFrom<'backorder' | 'preorder'>('backorder', 'preorder'),
      backorders: fc.boolean(),
      sla: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
      now: fc.integer({ min: 0, max: DAY_MS - 1 }).map((ms) => world.todayNumber * DAY_MS + ms),
      extras: fc.tuple(
        ...passLines.map((l) =>
          fc.record({
            line: fc.constant(l),
            backorderHold: fc.boolean(),
            allowBackorder: fc.boolean(),
            marked: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
            ageDays: fc.integer({ min: 0, max: 12 }),
            jitter: fc.constantFrom(-1000, -1, 0, 1),
            keepPlacement: fc.boolean(),
            other: fc.option(fc.record({ loc: fc.constantFrom(...world.locations), offset: fc.integer({ min: -2, max: world.horizon + 2 }) }), { nil: null }),
            version: fc.integer({ min: 1, max: 5 }),
          }),
        ),
      ),
    }),
  ),
);

/**
 * The case's held lines as the job model takes them: BackorderHold when the line has launched (or is no preorder)
 * and the case says so, else PreorderHold; a stored placement; backorderedAt from the age.
 */
export function modelJobLines(c: JobCase): ModelJobLine[] {
  const { world } = c;
  const launched = (l: { launchDate: string | null }) => l.launchDate === null || modelDayNumber(l.launchDate) <= world.todayNumber;
  const fresh = modelPass(c.extras.map((e) => e.line), new ModelBook(world.horizon, supplyOf(world)), world.today);
  return c.extras.map((e) => {
    const statusReason = e.line.launchDate === null || (launched(e.line) && e.backorderHold) ? 'BackorderHold' : 'PreorderHold';
    const placement: ModelPlacement = e.keepPlacement
      ? modelPlacement(world.today, fresh.get(e.line.id) ?? null)
      : e.other === null
        ? NOWHERE
        : modelPlacement(world.today, { locationId: e.other.loc.id, handlingDays: e.other.loc.handlingDays, day: e.other.offset });
    return {
      ...e.line,
      statusReason,
      placement,
      backorderedAt: statusReason === 'BackorderHold' ? c.now - e.ageDays * DAY_MS + e.jitter : null,
      allowBackorder: e.allowBackorder,
      version: e.version,
      markedInScope: e.marked,
    };
  });
}
