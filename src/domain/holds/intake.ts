/**
 * Order intake, steps 2-4 of the orchestration journey (SPEC section 3), as a pure plan.
 *
 * The supply book the caller passes already counts every promise that existing held lines carry, so a new
 * line is placed after all of them: intake never takes what a held line waits for, and never re-dates one.
 * Lines of the new order count each other as promised in the order the steps visit them.
 */
import { toDayNumber } from '../calendar/business-date.ts';
import type { BusinessDate } from '../calendar/business-date.ts';
import type { Candidate, SupplyBook } from '../atp/promising.ts';
import { isPreorder } from '../inventory/product.ts';
import type { Product } from '../inventory/product.ts';
import { UNPLACED } from '../order/order-line.ts';
import type { LinePlacement } from '../order/order-line.ts';
import type { StatusReason } from '../order/line-status.ts';
import { placementOf } from './placement.ts';

export interface IntakeLine {
  readonly lineNumber: number;
  readonly sku: string;
  readonly quantity: number;
  readonly product: Product;
  /** Candidate locations from the fulfillment policy, in location order. */
  readonly candidates: readonly Candidate[];
}

export interface IntakeContext {
  readonly today: BusinessDate;
  readonly now: number;
  readonly backorders: boolean;
  readonly scheduleOn: boolean;
  /** Projections over the current horizon, counting the promises of existing held lines. */
  readonly book: SupplyBook;
}

export interface IntakeDecision {
  readonly lineNumber: number;
  readonly to: Extract<StatusReason, 'PreorderHold' | 'BackorderHold' | 'AwaitingFulfillment' | 'OutOfStock'>;
  readonly placement: LinePlacement;
  readonly launchDate: BusinessDate | null;
  readonly backorderedAt: number | null;
}

export function planIntake(lines: readonly IntakeLine[], ctx: IntakeContext): IntakeDecision[] {
  const ordered = [...lines].sort((a, b) => a.lineNumber - b.lineNumber);
  const decisions = new Map<number, IntakeDecision>();
  const todayNumber = toDayNumber(ctx.today);

  // Step 2: preorder lines wait for their launch, dated not before it when the schedule is on.
  const remaining: IntakeLine[] = [];
  for (const line of ordered) {
    if (!isPreorder(line.product, ctx.today)) {
      remaining.push(line);
      continue;
    }
    const launchDate = line.product.launchDate!;
    const promised = ctx.scheduleOn ? ctx.book.promise(line.sku, line.quantity, line.candidates, toDayNumber(launchDate) - todayNumber) : null;
    decisions.set(line.lineNumber, {
      lineNumber: line.lineNumber,
      to: 'PreorderHold',
      placement: placementOf(ctx.today, promised),
      launchDate,
      backorderedAt: null,
    });
  }

  // Step 4a: one location that covers every remaining line today takes them all.
  const whole = wholeOrderLocation(remaining, ctx.book);
  if (whole) {
    for (const line of remaining) {
      ctx.book.take(line.sku, line.quantity, { ...whole, day: 0 });
      decisions.set(line.lineNumber, release(line, ctx, { ...whole, day: 0 }));
    }
    return ordered.map((l) => decisions.get(l.lineNumber)!);
  }

  // Step 4b: line by line, released at the first candidate that covers it today, else held or out of stock.
  for (const line of remaining) {
    const today = line.candidates.find((c) => ctx.book.projection(line.sku, c.locationId).atp(0) >= line.quantity);
    if (today) {
      const promised = { ...today, day: 0 };
      ctx.book.take(line.sku, line.quantity, promised);
      decisions.set(line.lineNumber, release(line, ctx, promised));
    } else if (ctx.backorders && line.product.allowBackorder) {
      const promised = ctx.book.promise(line.sku, line.quantity, line.candidates);
      decisions.set(line.lineNumber, {
        lineNumber: line.lineNumber,
        to: 'BackorderHold',
        placement: placementOf(ctx.today, promised),
        launchDate: null,
        backorderedAt: ctx.now,
      });
    } else {
      decisions.set(line.lineNumber, { lineNumber: line.lineNumber, to: 'OutOfStock', placement: UNPLACED, launchDate: null, backorderedAt: null });
    }
  }
  return ordered.map((l) => decisions.get(l.lineNumber)!);
}

function release(line: IntakeLine, ctx: IntakeContext, at: Candidate & { day: number }): IntakeDecision {
  return { lineNumber: line.lineNumber, to: 'AwaitingFulfillment', placement: placementOf(ctx.today, at), launchDate: null, backorderedAt: null };
}

/** The first location, a candidate of every line, whose ATP(0) covers all the lines together (same skus add up). */
function wholeOrderLocation(lines: readonly IntakeLine[], book: SupplyBook): Candidate | null {
  if (lines.length === 0) return null;
  const totals = new Map<string, number>();
  for (const l of lines) totals.set(l.sku, (totals.get(l.sku) ?? 0) + l.quantity);
  const common = lines[0]!.candidates.filter((c) => lines.every((l) => l.candidates.some((o) => o.locationId === c.locationId)));
  for (const c of common) {
    let covers = true;
    for (const [sku, total] of totals) {
      if (book.projection(sku, c.locationId).atp(0) < total) {
        covers = false;
        break;
      }
    }
    if (covers) return c;
  }
  return null;
}
