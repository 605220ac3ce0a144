/**
 * Order intake (SPEC section 3), one transaction per order: persist the order, put preorder lines on hold,
 * release what one location (or line by line, the first candidate) covers today, hold or cancel the rest,
 * reserve what was released and write an event per line. The supply it checks against counts every promise
 * held lines already carry, so a new line never takes stock an earlier held line waits for.
 *
 * Idempotent: the same Idempotency-Key, or the same externalId, answers the original order; the same key with
 * a different request is refused.
 */
import { AppError, invalid } from '../errors.ts';
import type { FieldError } from '../errors.ts';
import type { AppContext } from '../context.ts';
import { canonicalJson, sha256 } from '../canonical.ts';
import { configSnapshot } from '../settings/config-snapshot.ts';
import { groupCommitOf } from '../group-commit.ts';
import { supplyOf } from '../inventory/supply.ts';
import { businessDateOf } from '../../domain/calendar/business-date.ts';
import { SupplyBook } from '../../domain/atp/promising.ts';
import { planIntake } from '../../domain/holds/intake.ts';
import { horizonOf } from '../../domain/settings/settings.ts';
import { moveLine } from '../../domain/order/order-line.ts';
import type { LineEvent, OrderLine } from '../../domain/order/order-line.ts';
import { findProducts } from '../../store/repositories/catalog.repository.ts';
import { findOrderByKeys, getOrderWithLines } from '../../store/repositories/orders.repository.ts';
import type { OrderWithLines, StoredOrder } from '../../store/repositories/orders.repository.ts';
import { RetryableConflict } from '../../store/errors.ts';
import type { Executor } from '../../store/database.ts';

export interface PlaceOrderInput {
  readonly externalId: string;
  readonly channel?: string;
  readonly customerId?: string | null;
  readonly priority?: number;
  readonly shipTo?: { readonly country?: string | null; readonly region?: string | null; readonly postalCode?: string | null };
  readonly lines: readonly { readonly sku: string; readonly quantity: number; readonly lineNumber?: number }[];
}

export interface PlaceOrderResult {
  readonly order: OrderWithLines;
  /** False when an earlier identical request already created it. */
  readonly created: boolean;
}

/** Attempts at one order when stock changed under it (another process reserved first). */
const MAX_ATTEMPTS = 5;

export async function placeOrder(ctx: AppContext, input: PlaceOrderInput, idempotencyKey: string | null): Promise<PlaceOrderResult> {
  const lineNumbers = numberLines(input);
  const requestHash = sha256(canonicalJson(normalized(input, lineNumbers)));
  const skus = [...new Set(input.lines.map((l) => l.sku))];
  // Orders arriving together share one commit, each answered after the commit; one that fails fails alone.
  const group = groupCommitOf(ctx.database);
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await group.run(skus, (trx) => placeInTransaction(ctx, trx, input, lineNumbers, requestHash, idempotencyKey));
      if (result.created) ctx.metrics.orderPlaced(result.order.lines.map((l) => ({ from: 'New', to: l.statusReason })));
      return result;
    } catch (error) {
      // Two requests with the same key raced: the loser runs again and finds the winner's order.
      if (attempt === 0 && ctx.database.store.isUniqueViolation(error)) continue;
      if (error instanceof RetryableConflict && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}

/** The request with its defaults filled in and lines by number: spelling out a default or reordering lines does not make a different request. */
function normalized(input: PlaceOrderInput, lineNumbers: readonly number[]) {
  return {
    externalId: input.externalId,
    channel: input.channel ?? 'default',
    customerId: input.customerId ?? null,
    priority: input.priority ?? 0,
    shipTo: { country: input.shipTo?.country ?? null, region: input.shipTo?.region ?? null, postalCode: input.shipTo?.postalCode ?? null },
    lines: input.lines.map((l, i) => ({ sku: l.sku, quantity: l.quantity, lineNumber: lineNumbers[i]! })).sort((a, b) => a.lineNumber - b.lineNumber),
  };
}

function numberLines(input: PlaceOrderInput): number[] {
  const numbers = input.lines.map((l, i) => l.lineNumber ?? i + 1);
  const errors: FieldError[] = [];
  const firstAt = new Map<number, number>();
  numbers.forEach((n, i) => {
    const first = firstAt.get(n);
    if (first === undefined) firstAt.set(n, i);
    else {
      const implicit = (k: number) => (input.lines[k]!.lineNumber === undefined ? ` (a line without lineNumber is numbered by its position)` : '');
      errors.push({ path: `/lines/${i}/lineNumber`, message: `lineNumber ${n} is also the number of /lines/${first}${implicit(first) || implicit(i)}` });
    }
  });
  if (errors.length) throw invalid(errors);
  return numbers;
}

async function placeInTransaction(
  ctx: AppContext,
  trx: Executor,
  input: PlaceOrderInput,
  lineNumbers: readonly number[],
  requestHash: string,
  idempotencyKey: string | null,
): Promise<PlaceOrderResult> {
  const existing = await findOrderByKeys(trx, input.externalId, idempotencyKey);
  if (existing) return replay(trx, existing, requestHash, idempotencyKey !== null && existing.idempotencyKey === idempotencyKey);

  // The group commit locked the order's skus before its units ran (`group.run(skus, ...)`).
  const skus = [...new Set(input.lines.map((l) => l.sku))];
  const { store } = ctx.database;
  const products = await findProducts(trx, skus);
  const unknown: FieldError[] = input.lines.flatMap((l, i) => (products.has(l.sku) ? [] : [{ path: `/lines/${i}/sku`, message: `unknown sku "${l.sku}"` }]));
  if (unknown.length) throw invalid(unknown);

  const now = ctx.clock.now();
  const { settings, resolver } = await configSnapshot(ctx, trx);
  const today = businessDateOf(now, settings.timeZone);
  const horizon = horizonOf(settings, today);
  const supply = await supplyOf(trx, store, skus, today, horizon, { withPromises: true });

  const order: StoredOrder = {
    id: ctx.ids.next('ord'),
    externalId: input.externalId,
    idempotencyKey,
    requestHash,
    channel: input.channel ?? 'default',
    customerId: input.customerId ?? null,
    orderedAt: now,
    priority: input.priority ?? 0,
    shipTo: { country: input.shipTo?.country ?? null, region: input.shipTo?.region ?? null, postalCode: input.shipTo?.postalCode ?? null },
  };
  const fresh: OrderLine[] = input.lines.map((l, i) => ({
    id: ctx.ids.next('lin'),
    orderId: order.id,
    lineNumber: lineNumbers[i]!,
    sku: l.sku,
    quantity: l.quantity,
    locationId: null,
    statusReason: 'New',
    inventoryAvailabilityDate: null,
    estimatedShipmentDate: null,
    launchDate: null,
    backorderedAt: null,
    version: 0,
  }));
  const decisions = planIntake(
    fresh.map((l) => ({
      lineNumber: l.lineNumber,
      sku: l.sku,
      quantity: l.quantity,
      product: products.get(l.sku)!,
      candidates: resolver.candidates({ country: order.shipTo.country, region: order.shipTo.region, channel: order.channel, sku: l.sku }),
    })),
    { today, now, backorders: settings.backorders, scheduleOn: settings.onHandChangeSchedule, book: new SupplyBook(horizon, supply) },
  );
  const byNumber = new Map(decisions.map((d) => [d.lineNumber, d]));

  const lines: OrderLine[] = [];
  const events: LineEvent[] = [];
  for (const line of fresh) {
    const d = byNumber.get(line.lineNumber)!;
    const moved = moveLine(line, d.to, now, { placement: d.placement, launchDate: d.launchDate, backorderedAt: d.backorderedAt, context: { trigger: 'intake' } });
    if (!moved.ok) throw new Error(`intake planned ${moved.from} -> ${moved.to}`);
    lines.push(moved.change.after);
    events.push(moved.change.event);
  }
  if (!(await store.reserve(trx, reservations(lines), now))) throw new RetryableConflict(`stock of ${skus.join(', ')} changed during intake`);
  await store.insertOrder(trx, order, lines, events);
  return { order: { ...order, lines }, created: true };
}

/** Released quantities per (sku, location): one guarded reservation each. */
function reservations(lines: readonly OrderLine[]): { sku: string; locationId: string; quantity: number }[] {
  const out = new Map<string, { sku: string; locationId: string; quantity: number }>();
  for (const l of lines) {
    if (l.statusReason !== 'AwaitingFulfillment' || l.locationId === null) continue;
    const k = `${l.sku}\u0000${l.locationId}`;
    const seen = out.get(k);
    if (seen) seen.quantity += l.quantity;
    else out.set(k, { sku: l.sku, locationId: l.locationId, quantity: l.quantity });
  }
  return [...out.values()];
}

async function replay(trx: Executor, existing: StoredOrder, requestHash: string, byKey: boolean): Promise<PlaceOrderResult> {
  if (existing.requestHash !== requestHash) {
    if (byKey) {
      throw new AppError('idempotency_mismatch', `the Idempotency-Key was already used for order ${existing.id} (externalId ${existing.externalId}) with a different request; send the original request, or a new key`);
    }
    // The same externalId with another body is another order under a taken id, not a retry.
    throw new AppError('conflict', `externalId ${existing.externalId} is already order ${existing.id}, placed with a different request; to retry it send the original request, to place another order use another externalId`);
  }
  const order = await getOrderWithLines(trx, existing.id);
  return { order: order!, created: false };
}
