/**
 * The promising pass (SPEC section 2): the held lines of a sku take its supply in priority order, each at the
 * earliest (location, day) where its whole quantity fits after all lines before it.
 */
import { toDayNumber } from '../calendar/business-date.ts';
import type { BusinessDate } from '../calendar/business-date.ts';
import type { Candidate, Promised, SupplyBook } from '../atp/promising.ts';

export interface PassLine {
  readonly id: string;
  readonly orderId: string;
  readonly lineNumber: number;
  readonly sku: string;
  readonly quantity: number;
  /** The order's priority, 0-9, higher first. */
  readonly priority: number;
  /** The order's intake instant, epoch milliseconds. */
  readonly orderedAt: number;
  /** A line is never promised before its launch date. */
  readonly launchDate: BusinessDate | null;
  readonly candidates: readonly Candidate[];
}

/** Priority order: order priority descending, then orderedAt, then order id (code point), then lineNumber. */
export function comparePriority(a: PassLine, b: PassLine): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.orderedAt !== b.orderedAt) return a.orderedAt - b.orderedAt;
  if (a.orderId !== b.orderId) return a.orderId < b.orderId ? -1 : 1;
  return a.lineNumber - b.lineNumber;
}

/** The first day (relative to today) a line may be promised: its launch date, or today. */
export function notBeforeDay(line: Pick<PassLine, 'launchDate'>, today: BusinessDate): number {
  return line.launchDate === null ? 0 : Math.max(0, toDayNumber(line.launchDate) - toDayNumber(today));
}

/**
 * Promises every line in priority order and returns each line's promise (null: nowhere within the horizon).
 * The book must hold no promises of these lines: the pass re-promises all of them from scratch.
 *
 * With `until`, the pass stops at the first line that does not come before `until` in priority order: the map
 * then holds the lines ahead of it and the book what they left, which is exactly what `until` sees when its turn
 * comes (how a line's dates are explained).
 */
export function promisingPass<L extends PassLine>(lines: readonly L[], book: SupplyBook, today: BusinessDate, until?: PassLine): Map<L, Promised | null> {
  const result = new Map<L, Promised | null>();
  for (const line of [...lines].sort(comparePriority)) {
    if (until !== undefined && comparePriority(line, until) >= 0) break;
    result.set(line, book.promise(line.sku, line.quantity, line.candidates, notBeforeDay(line, today)));
  }
  return result;
}
