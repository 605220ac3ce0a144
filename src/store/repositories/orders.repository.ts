/**
 * Orders and their lines. A line row also carries the order fields promising needs (priority, orderedAt,
 * channel, ship-to), so held lines are read from one table.
 */
import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Executor } from '../database.ts';
import { selectRows } from '../direct-reads.ts';
import type { OrderLinesTable, OrdersTable } from '../tables/orders.table.ts';
import type { OrderLine } from '../../domain/order/order-line.ts';
import { STATE_OF, STATUS_REASONS } from '../../domain/order/line-status.ts';
import type { LineState, StatusReason } from '../../domain/order/line-status.ts';
import type { OrderStatus } from '../../domain/order/order-status.ts';
import type { DB } from '../tables/index.ts';
import { chunks, encodeCursor, pageOf } from './pagination.ts';
import type { Page } from './pagination.ts';

export interface OrderHeader {
  readonly id: string;
  readonly externalId: string;
  readonly channel: string;
  readonly customerId: string | null;
  readonly orderedAt: number;
  readonly priority: number;
  readonly shipTo: { readonly country: string | null; readonly region: string | null; readonly postalCode: string | null };
}

export interface StoredOrder extends OrderHeader {
  readonly idempotencyKey: string | null;
  readonly requestHash: string;
}

export interface OrderWithLines extends OrderHeader {
  readonly lines: OrderLine[];
}

/** A line as stored, with the order fields copied onto it. */
export interface StoredLine extends OrderLine {
  readonly priority: number;
  readonly orderedAt: number;
  readonly channel: string;
  readonly shipCountry: string | null;
  readonly shipRegion: string | null;
  /** The id of the event that moved the line into its status reason (what a job run's scope compares). */
  readonly statusSeq: number | null;
  /**
   * Where the read found the row, for a write that follows it in the same run (PostgreSQL: its ctid, so the write
   * goes straight to the row's page instead of down the primary key); absent where the read did not say.
   */
  readonly rowRef?: string;
}

const toOrder = (r: Selectable<OrdersTable>): StoredOrder => ({
  id: r.id,
  externalId: r.external_id,
  channel: r.channel,
  customerId: r.customer_id,
  orderedAt: r.ordered_at,
  priority: r.priority,
  shipTo: { country: r.ship_country, region: r.ship_region, postalCode: r.ship_postal_code },
  idempotencyKey: r.idempotency_key,
  requestHash: r.request_hash,
});

export const toLine = (r: Selectable<OrderLinesTable>): StoredLine => ({
  id: r.id,
  orderId: r.order_id,
  lineNumber: r.line_number,
  sku: r.sku,
  quantity: r.quantity,
  locationId: r.location_id,
  statusReason: r.status_reason as StatusReason,
  inventoryAvailabilityDate: r.inventory_availability_date,
  estimatedShipmentDate: r.estimated_shipment_date,
  launchDate: r.launch_date,
  backorderedAt: r.backordered_at,
  version: r.version,
  priority: r.priority,
  orderedAt: r.ordered_at,
  channel: r.channel,
  shipCountry: r.ship_country,
  shipRegion: r.ship_region,
  statusSeq: r.status_seq,
});

/** The order an idempotency key or external id already names, if any. */
export async function findOrderByKeys(db: Executor, externalId: string, idempotencyKey: string | null): Promise<StoredOrder | undefined> {
  let q = db.selectFrom('orders').selectAll();
  q = idempotencyKey === null
    ? q.where('external_id', '=', externalId)
    : q.where((eb) => eb.or([eb('external_id', '=', externalId), eb('idempotency_key', '=', idempotencyKey)]));
  const rows = await selectRows(db, q);
  // A key match wins over an external id match: the key is what the client said identifies the request.
  const row = rows.find((r) => idempotencyKey !== null && r.idempotency_key === idempotencyKey) ?? rows[0];
  return row && toOrder(row);
}

export async function getOrderHeader(db: Executor, id: string): Promise<StoredOrder | undefined> {
  const row = await db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toOrder(row);
}

export async function linesOfOrders(db: Executor, orderIds: readonly string[]): Promise<Map<string, StoredLine[]>> {
  const out = new Map<string, StoredLine[]>(orderIds.map((id) => [id, []]));
  for (const part of chunks(orderIds, 500)) {
    const rows = await db.selectFrom('order_lines').selectAll().where('order_id', 'in', part).orderBy('order_id').orderBy('line_number').execute();
    for (const r of rows) out.get(r.order_id)?.push(toLine(r));
  }
  return out;
}

export async function getOrderWithLines(db: Executor, id: string): Promise<OrderWithLines | undefined> {
  const header = await getOrderHeader(db, id);
  if (!header) return undefined;
  const lines = (await linesOfOrders(db, [id])).get(id) ?? [];
  return { ...header, lines };
}

export async function getLine(db: Executor, id: string): Promise<StoredLine | undefined> {
  const row = await db.selectFrom('order_lines').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toLine(row);
}

export interface OrderFilter {
  readonly statusReason?: StatusReason;
  readonly sku?: string;
  /** The order's derived status (SPEC section 1). */
  readonly status?: OrderStatus;
  readonly externalId?: string;
  readonly customerId?: string;
  readonly after?: [number, string];
  readonly limit: number;
}

const reasonsIn = (state: LineState | LineState[]) => STATUS_REASONS.filter((r) => [state].flat().includes(STATE_OF[r]));

/** Orders newest first (orderedAt, then id), optionally those having a line with a status reason or sku. */
export async function listOrders(db: Executor, f: OrderFilter): Promise<Page<OrderWithLines>> {
  let q = db.selectFrom('orders').selectAll().orderBy('ordered_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1);
  if (f.externalId !== undefined) q = q.where('external_id', '=', f.externalId);
  if (f.customerId !== undefined) q = q.where('customer_id', '=', f.customerId);
  if (f.status !== undefined) {
    // The derived status as conditions on the lines: Canceled (all canceled), Fulfilled (all shipped or canceled,
    // not all canceled), OnHold (a line on hold), InFulfillment (none of those).
    const lines = (eb: ExpressionBuilder<DB, 'orders'>, reasons: readonly string[], not = false) =>
      eb.exists(
        eb
          .selectFrom('order_lines')
          .select('order_lines.id')
          .whereRef('order_lines.order_id', '=', 'orders.id')
          .where('order_lines.status_reason', not ? 'not in' : 'in', reasons),
      );
    const status = f.status;
    const canceled = reasonsIn('Canceled');
    const done = reasonsIn(['Canceled', 'Fulfilled']);
    const held = reasonsIn('OnHold');
    q = q.where((eb) => {
      if (status === 'Canceled') return eb.not(lines(eb, canceled, true));
      if (status === 'Fulfilled') return eb.and([eb.not(lines(eb, done, true)), lines(eb, reasonsIn('Fulfilled'))]);
      if (status === 'OnHold') return lines(eb, held);
      return eb.and([eb.not(lines(eb, held)), lines(eb, done, true)]);
    });
  }
  if (f.statusReason !== undefined || f.sku !== undefined) {
    q = q.where((eb) => {
      let sub = eb.selectFrom('order_lines').select('order_lines.id').whereRef('order_lines.order_id', '=', 'orders.id');
      if (f.statusReason !== undefined) sub = sub.where('order_lines.status_reason', '=', f.statusReason);
      if (f.sku !== undefined) sub = sub.where('order_lines.sku', '=', f.sku);
      return eb.exists(sub);
    });
  }
  const after = f.after;
  if (after !== undefined) q = q.where((eb) => eb(eb.refTuple('ordered_at', 'id'), '<', eb.tuple(after[0], after[1])));
  const rows = await q.execute();
  const page = pageOf(rows, f.limit, toOrder, (r) => [r.ordered_at, r.id]);
  // A page carries every line of its orders: it ends early, before the order that would take it past MAX_PAGE_LINES
  // (one order at least), so an answer stays a few MB however large the orders (an order takes up to 500 lines).
  const counts = await lineCounts(db, page.items.map((o) => o.id));
  let kept = 0;
  for (let total = 0; kept < page.items.length && (kept === 0 || total + (counts.get(page.items[kept]!.id) ?? 0) <= MAX_PAGE_LINES); kept++) {
    total += counts.get(page.items[kept]!.id) ?? 0;
  }
  const items = page.items.slice(0, kept);
  const last = rows[kept - 1];
  const nextCursor = kept < page.items.length && last ? encodeCursor([last.ordered_at, last.id]) : page.nextCursor;
  const lines = await linesOfOrders(db, items.map((o) => o.id));
  return { items: items.map((o) => ({ ...o, lines: lines.get(o.id) ?? [] })), nextCursor };
}

/** The most lines a page of orders carries (it ends before the order that would pass it). */
export const MAX_PAGE_LINES = 5_000;

async function lineCounts(db: Executor, orderIds: readonly string[]): Promise<Map<string, number>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('order_lines')
    .select(['order_id'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('order_id', 'in', orderIds)
    .groupBy('order_id')
    .execute();
  return new Map(rows.map((r) => [r.order_id, Number(r.n)]));
}

export interface LineFilter {
  readonly statusReason?: StatusReason;
  readonly sku?: string;
  readonly orderId?: string;
  readonly after?: [number, string];
  readonly limit: number;
}

/**
 * The statuses of a settled line (fulfilled or canceled): `order_lines.settled_reason` (generated) holds them and
 * the status list's index is on it. An open line's status is in no index, so a job run's updates touch none; open
 * lines are listed from the newest-first index.
 */
const SETTLED: ReadonlySet<StatusReason> = new Set(reasonsIn(['Canceled', 'Fulfilled']));

/** Lines newest first (the order's orderedAt, then line id). */
export async function listLines(db: Executor, f: LineFilter): Promise<Page<StoredLine>> {
  let q = db.selectFrom('order_lines').selectAll().orderBy('ordered_at', 'desc').orderBy('id', 'desc').limit(f.limit + 1);
  const reason = f.statusReason;
  if (reason !== undefined) q = SETTLED.has(reason) ? q.where('settled_reason', '=', reason) : q.where('status_reason', '=', reason);
  if (f.sku !== undefined) q = q.where('sku', '=', f.sku);
  if (f.orderId !== undefined) q = q.where('order_id', '=', f.orderId);
  const after = f.after;
  if (after !== undefined) q = q.where((eb) => eb(eb.refTuple('ordered_at', 'id'), '<', eb.tuple(after[0], after[1])));
  return pageOf(await q.execute(), f.limit, toLine, (r) => [r.ordered_at, r.id]);
}

/** A line as an operator knows it: its order's externalId and its line number (and the order's id, to link to it). */
export interface LineLabel {
  readonly orderId: string;
  readonly externalId: string;
  readonly lineNumber: number;
}

/** The lines among `ids` that exist, by id: one query per 500 lines, never one per line. */
export async function lineLabels(db: Executor, ids: Iterable<string>): Promise<Map<string, LineLabel>> {
  const out = new Map<string, LineLabel>();
  for (const part of chunks([...new Set(ids)], 500)) {
    const rows = await db
      .selectFrom('order_lines as l')
      .innerJoin('orders as o', 'o.id', 'l.order_id')
      .select(['l.id', 'l.order_id', 'o.external_id', 'l.line_number'])
      .where('l.id', 'in', part)
      .execute();
    for (const r of rows) out.set(r.id, { orderId: r.order_id, externalId: r.external_id, lineNumber: Number(r.line_number) });
  }
  return out;
}
