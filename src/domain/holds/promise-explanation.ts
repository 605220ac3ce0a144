/**
 * The plain-language explanation of a line's dates (SPEC section 11): one or two sentences naming what decides
 * the date. For a held line promised on day d > 0 at a location, the date is the day after the last day on which
 * the projection (what that location has, less what the lines ahead take) is short of the line's quantity, so the
 * first sentence names that shortfall and the receipt of day d that ends it; or the launch date, when it alone
 * holds the line back; or the horizon, when nothing covers it within it. The second sentence says what the next
 * run changes, or names a location the fulfillment policy leaves out that would have been earlier.
 */
import { addDays, businessDateOf } from '../calendar/business-date.ts';
import type { BusinessDate } from '../calendar/business-date.ts';
import type { OrderLine } from '../order/order-line.ts';
import type { StatusReason } from '../order/line-status.ts';
import type { HeldLinePromise, LocationPromise } from './line-promise.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2028-03-12` as `12 March 2028`. */
export function humanDate(date: BusinessDate): string {
  const [y, m, d] = date.split('-');
  return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
}

const units = (n: number) => `${n} ${Math.abs(n) === 1 ? 'unit' : 'units'}`;
const sum = (days: LocationPromise['days'], key: 'supply' | 'promisedAhead', through: number) => days.slice(0, through + 1).reduce((s, d) => s + d[key], 0);
const firstFit = (v: LocationPromise, quantity: number): number | null => v.days.find((d) => d.atp >= quantity)?.day ?? null;

export interface HeldExplanationInput {
  readonly today: BusinessDate;
  readonly horizon: number;
  readonly line: Pick<OrderLine, 'quantity' | 'launchDate' | 'statusReason' | 'locationId' | 'inventoryAvailabilityDate'>;
  readonly allowBackorder: boolean;
  readonly backorders: boolean;
  readonly cancellationSlaDays: number | null;
  readonly promise: HeldLinePromise;
  /** The fulfillment policy rule that decides the line's candidates (null: none matches). */
  readonly ruleName: string | null;
  /** The references of the schedule entries that make up the covering receipt (`coveringReceipt`), if any. */
  readonly receiptReferences?: readonly string[];
}

/** The receipt that ends the shortfall before the line's date (when the date is supply-bound), or null. */
export function coveringReceipt(p: HeldLinePromise, line: Pick<OrderLine, 'launchDate' | 'quantity'>): { locationId: string; day: number } | null {
  if (p.promised === null || p.promised.day === 0) return null;
  const v = p.locations.find((l) => l.locationId === p.promised!.locationId);
  if (!v || launchBound(p, v, line)) return null;
  return { locationId: v.locationId, day: p.promised.day };
}

/** True when only the launch date holds the line back: the location could cover it before launch. */
function launchBound(p: HeldLinePromise, v: LocationPromise, line: Pick<OrderLine, 'launchDate' | 'quantity'>): boolean {
  if (line.launchDate === null || p.promised === null || p.notBeforeDay === 0 || p.promised.day !== p.notBeforeDay) return false;
  const free = firstFit(v, line.quantity);
  return free !== null && free < p.notBeforeDay;
}

export function explainHeldLine(input: HeldExplanationInput): string {
  const first = decidingSentence(input);
  const second = nextSentence(input) ?? elsewhereSentence(input);
  return second ? `${first}. ${second}.` : `${first}.`;
}

function decidingSentence(input: HeldExplanationInput): string {
  const { promise: p, line, today, horizon } = input;
  const q = line.quantity;
  const date = (day: number) => humanDate(addDays(today, day));
  if (p.slaExpired) return `Its backorder SLA of ${input.cancellationSlaDays} days has run out`;
  if (p.locations.length === 0) {
    return `No active location is a candidate for this line under the fulfillment policy${input.ruleName ? ` (rule "${input.ruleName}")` : ''}, so it cannot be dated`;
  }
  if (p.promised === null) {
    if (p.notBeforeDay > horizon) {
      return horizon === 0
        ? `It launches on ${humanDate(line.launchDate!)} and the on-hand change schedule is off, so only today counts and a preorder gets no date before it launches`
        : `It launches on ${humanDate(line.launchDate!)}, after the ${horizon}-day horizon that ends on ${date(horizon)}, so it has no date yet`;
    }
    // The location that comes closest: the most it can promise by the end of the horizon (ATP(H) = P(H)).
    const best = [...p.locations].sort((a, b) => b.days[horizon]!.atp - a.days[horizon]!.atp)[0]!;
    const most = best.days[horizon]!.atp;
    const taken = (v: LocationPromise) => sum(v.days, 'promisedAhead', horizon);
    const allTaken = p.locations.reduce((s, v) => s + taken(v), 0);
    const when = horizon === 0 ? 'today, the only day counted while the on-hand change schedule is off' : `by ${date(horizon)}, the end of the ${horizon}-day horizon`;
    const why =
      most > 0
        ? `the most any can promise is ${most}, at ${best.locationId}${taken(best) > 0 ? `, after ${units(taken(best))} promised there to lines ahead of it` : ''}`
        : allTaken > 0
          ? `the lines ahead of it take all there is (${units(allTaken)})`
          : `none has any stock${horizon > 0 ? ' or receipts' : ''} for it`;
    return `No candidate location can promise its ${units(q)} ${when}: ${why}`;
  }
  const v = p.locations.find((l) => l.locationId === p.promised!.locationId)!;
  const d = p.promised.day;
  if (d === 0) {
    const now = v.days[0]!;
    const aheadPart = now.promisedAhead > 0 ? `, ${units(now.promisedAhead)} of them go to lines ahead of this one` : '';
    return `${v.locationId} has ${units(now.supply)} available now${aheadPart} and ${now.atp} can still be promised today, enough for its ${q}`;
  }
  if (launchBound(p, v, line)) {
    const free = firstFit(v, q)!;
    return `Its launch date, ${humanDate(line.launchDate!)}, decides: ${v.locationId} could cover its ${units(q)} ${free === 0 ? 'today' : `from ${date(free)}`}, but a preorder is never promised before it launches`;
  }
  // Supply-bound: t* = d - 1 is the last day the projection is short of q; the receipt of day d ends it.
  const last = d - 1;
  const has = sum(v.days, 'supply', last);
  const taken = sum(v.days, 'promisedAhead', last);
  const refs = input.receiptReferences?.length ? `${input.receiptReferences.join(', ')}, ` : '';
  const receipt = `(${refs}${units(v.days[d]!.supply)})`;
  if (taken > 0) {
    return `${units(taken)} ahead of this line take ${supplyPhrase(v, last, today)}; the next receipt that covers its ${q} arrives on ${date(d)} ${receipt}`;
  }
  if (has <= 0) return `${v.locationId} has no stock for it before ${date(d)}; the receipt that covers its ${units(q)} arrives then ${receipt}`;
  return `${v.locationId} has only ${units(has)} for it before ${date(d)}, short of its ${q}; the receipt that covers it arrives then ${receipt}`;
}

/** What a location has up to day `last`, named as plainly as it allows. */
function supplyPhrase(v: LocationPromise, last: number, today: BusinessDate): string {
  const now = v.days[0]!.supply;
  const receipts = v.days.slice(1, last + 1).filter((d) => d.supply !== 0);
  if (receipts.length === 0) return `the ${units(now)} in stock at ${v.locationId}`;
  if (receipts.length === 1 && now <= 0 && receipts[0]!.supply > 0) return `the ${humanDate(addDays(today, receipts[0]!.day))} receipt at ${v.locationId}`;
  const total = sum(v.days, 'supply', last);
  return `the ${units(total)} ${v.locationId} has by ${humanDate(addDays(today, last))} (stock now and receipts up to ${humanDate(addDays(today, receipts[receipts.length - 1]!.day))})`;
}

const REASON_NAMES: Record<StatusReason, string> = {
  New: 'New',
  PreorderHold: 'Preorder Hold',
  BackorderHold: 'Backorder Hold',
  AwaitingFulfillment: 'Awaiting Fulfillment',
  Shipped: 'Shipped',
  CanceledByRequest: 'Canceled By Request',
  BackorderSlaExpired: 'Backorder SLA Expired',
  OutOfStock: 'Out Of Stock',
};

const JOB_NAMES = { backorder: 'backorder', preorder: 'preorder' } as const;

function nextSentence(input: HeldExplanationInput): string | null {
  const { next } = input.promise;
  const run = `the next ${JOB_NAMES[next.jobType]} run`;
  if (!next.changes) return null;
  const to = next.statusReason;
  if (to === 'BackorderSlaExpired') return `${cap(run)} cancels it (${REASON_NAMES[to]})`;
  if (to === 'AwaitingFulfillment') return `${cap(run)} releases it at ${next.placement.locationId}`;
  if (to === 'OutOfStock') {
    const why = input.backorders ? 'its product does not allow backorders' : 'backorders are off';
    return `It has launched with nothing to release it today and ${why}, so ${run} cancels it (${REASON_NAMES[to]})`;
  }
  const where = next.placement.inventoryAvailabilityDate === null ? 'no date' : `${humanDate(next.placement.inventoryAvailabilityDate)} at ${next.placement.locationId}`;
  if (to !== input.line.statusReason) return `It has launched, so ${run} moves it to ${REASON_NAMES[to]} with ${where}`;
  const stored = input.line.inventoryAvailabilityDate === null ? 'no date' : `${humanDate(input.line.inventoryAvailabilityDate)} at ${input.line.locationId}`;
  return `It is stored with ${stored}; ${run} re-dates it to ${where}`;
}

function elsewhereSentence(input: HeldExplanationInput): string | null {
  const { promise: p } = input;
  if (p.slaExpired) return null;
  const mine = p.promised?.day ?? Infinity;
  const better = p.elsewhere.filter((e) => e.earliestDay !== null && e.earliestDay < mine).sort((a, b) => a.earliestDay! - b.earliestDay!)[0];
  if (!better) return null;
  const when = better.earliestDay === 0 ? 'today' : `on ${humanDate(addDays(input.today, better.earliestDay!))}`;
  const rule = input.ruleName ? ` (rule "${input.ruleName}")` : '';
  return `${better.locationId} could have it ${when}, but the fulfillment policy${rule} does not make it a candidate for this line`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The move that decided a line that is no longer held, as its history records it. */
export interface DecidingMove {
  readonly to: StatusReason;
  readonly from: StatusReason;
  readonly at: number;
  readonly runId: string | null;
  readonly jobType: string | null;
  readonly trigger: string | null;
  readonly actor: string | null;
}

/** Released, shipped or canceled: where the line is reserved and since when, or the move that ended it. */
export function explainSettledLine(line: Pick<OrderLine, 'statusReason' | 'locationId' | 'estimatedShipmentDate'>, move: DecidingMove | null, timeZone: string): string {
  if (line.statusReason === 'New') return 'It has not been orchestrated yet.';
  if (move === null) return `It is ${REASON_NAMES[line.statusReason]}; its history does not record the move.`;
  const on = humanDate(businessDateOf(move.at, timeZone));
  const by = move.runId !== null ? `the ${move.jobType ?? 'job'} run ${move.runId}` : move.trigger === 'intake' ? 'intake' : move.actor !== null ? `key ${move.actor}` : 'the service';
  switch (line.statusReason) {
    case 'AwaitingFulfillment':
      return `Reserved at ${line.locationId} since ${on}, released by ${by}${move.from === 'New' ? ' from stock on hand' : ` from ${REASON_NAMES[move.from]}`}; it ships by ${line.estimatedShipmentDate === null ? 'an unknown date' : humanDate(line.estimatedShipmentDate)}.`;
    case 'Shipped':
      return `Shipped from ${line.locationId} on ${on}, confirmed by ${by}.`;
    case 'CanceledByRequest':
      return `Canceled by request on ${on} (${by})${line.locationId !== null ? `; its reservation at ${line.locationId} was released` : ''}.`;
    case 'BackorderSlaExpired':
      return `Canceled on ${on} by ${by}: its backorder SLA ran out before stock came.`;
    case 'OutOfStock':
      return move.from === 'New'
        ? `Canceled at intake on ${on}: no candidate location had it in stock and it could not be backordered (backorders off or not allowed for the product).`
        : `Canceled on ${on} by ${by}: it launched with no stock to release it and could not be backordered (backorders off or not allowed for the product).`;
    default:
      return `It is ${REASON_NAMES[line.statusReason]} (${on}).`;
  }
}
