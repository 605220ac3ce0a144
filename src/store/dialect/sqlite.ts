/**
 * The store on SQLite: better-sqlite3 prepared statements, cached by text, run on the one connection Kysely uses.
 * Statements run synchronously inside the caller's transaction; sets go through `json_each` (one statement for
 * any number of keys) and multi-row inserts. One writer at a time (BEGIN IMMEDIATE) makes row locks implicit,
 * and gives event ids in commit order.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { RetryableConflict } from '../errors.ts';
import type { Executor } from '../database.ts';
import { eventDataJson } from '../../domain/order/order-line.ts';
import type { LineChange, LineEvent, OrderLine } from '../../domain/order/order-line.ts';
import type { StoredLine, StoredOrder } from '../repositories/orders.repository.ts';
import { heldCountsOf, promisedDeltas } from './promised-deltas.ts';
import { LINE_COLUMNS, lineFromRow } from './line-row.ts';
import { heldCountTerms, skusUpTo } from './next-skus.ts';
import { spanOf } from './store-dialect.ts';
import type { AtpRows, DatedSkuQuantity, EventSpan, HeldCountDelta, HeldSkusQuery, PreparedChanges, SkuQuantity, StoreDialect, SupplyRows } from './store-dialect.ts';

export type Prepare = (text: string) => BetterSqlite3.Statement;

/** Held lines: open (no settled reason, the partial index `order_lines_open`), with a held status. */
const HELD = `settled_reason is null and status_reason in ('PreorderHold', 'BackorderHold')`;
// The hot statements name their index: without ANALYZE statistics the planner may prefer another index and a
// temporary b-tree, which costs the whole table per batch.
/** Rows per multi-row insert: well inside SQLite's 32,766 bound parameters. */
const ROWS_PER_INSERT = 100;

type Row = unknown[];


const json = (values: Iterable<string>) => JSON.stringify([...new Set(values)]);

const bySkuThenId = (x: LineChange, y: LineChange): number => {
  const a = x.after;
  const b = y.after;
  if (a.sku !== b.sku) return a.sku < b.sku ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

/**
 * Runs `read`, synchronous statements of `db` outside every transaction, on the one connection: at once unless another
 * holds a transaction open on it (a group commit across a turn of the loop), then once that has ended.
 */
export type OutsideTransactions = <T>(db: Executor, read: () => T) => T | Promise<T>;

export function sqliteStore(prepare: Prepare, outside: OutsideTransactions): StoreDialect {
  /** A multi-row INSERT of `columns` for `rows` rows (statement cached per row count). */
  const insertMany = (table: string, columns: readonly string[], rows: readonly Row[]): void => {
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const part = rows.slice(i, i + ROWS_PER_INSERT);
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      prepare(`insert into ${table} (${columns.join(', ')}) values ${part.map(() => tuple).join(', ')}`).run(part.flat());
    }
  };

  /** Inserts events (each with its line's sku) in order and answers their ids. */
  const insertEvents = (events: readonly (readonly [LineEvent, string])[], runId: string | null): number[] => {
    const ids: number[] = [];
    for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
      const part = events.slice(i, i + ROWS_PER_INSERT);
      const tuple = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
      const rows = part.flatMap(([e, sku]) => [e.orderId, e.lineId, sku, e.type, e.from, e.to, e.at, eventDataJson(e), runId]);
      const result = prepare(`insert into line_events (order_id, line_id, sku, type, from_reason, to_reason, at, data, run_id) values ${part.map(() => tuple).join(', ')}`).run(rows);
      // One writer and one statement: the rows got consecutive ids ending at the last one.
      const last = Number(result.lastInsertRowid);
      const first = last - part.length + 1;
      for (let k = 0; k < part.length; k++) ids.push(first + k);
    }
    return ids;
  };

  const applyPromised = (deltas: readonly DatedSkuQuantity[]): void => {
    if (deltas.length === 0) return;
    const upsert = prepare(`insert into promised_quantities (sku, location_id, date, quantity) values (?, ?, ?, ?)
      on conflict (sku, location_id, date) do update set quantity = quantity + excluded.quantity`);
    for (const d of deltas) upsert.run(d.sku, d.locationId, d.date, d.quantity);
    prepare(`delete from promised_quantities where quantity = 0 and (sku, location_id, date) in
      (select value ->> 0, value ->> 1, value ->> 2 from json_each(?))`).run(JSON.stringify(deltas.filter((d) => d.quantity < 0).map((d) => [d.sku, d.locationId, d.date])));
  };

  /** Bumps the held version of the skus and moves their counts of held lines. */
  const bumpHeld = (deltas: readonly HeldCountDelta[]): void => {
    if (deltas.length === 0) return;
    prepare(`update products set held_version = held_version + 1, held_backorder = held_backorder + v.b, held_preorder = held_preorder + v.r
      from (select value ->> 0 as sku, value ->> 1 as b, value ->> 2 as r from json_each(?)) as v where products.sku = v.sku`).run(
      JSON.stringify(deltas.map((d) => [d.sku, d.backorder, d.preorder])),
    );
  };

  /** One (sku, location)'s supply rows, for an ATP answer at one location: a third of the rows of the sku's. */
  const locationSupply = (sku: string, locationId: string, window: { after: string; until: string } | null): SupplyRows => {
    const stock = prepare('select on_hand, reserved from stock where sku = ? and location_id = ?').raw().get(sku, locationId) as Row | undefined;
    const dated = (r: Row): DatedSkuQuantity => ({ sku, locationId, date: r[0] as string, quantity: r[1] as number });
    const scheduled =
      window === null
        ? []
        : (prepare(`select date, sum(quantity) from schedule_entries where sku = ? and location_id = ? and date > ? and date <= ? group by date`)
            .raw()
            .all(sku, locationId, window.after, window.until) as Row[]).map(dated);
    const promised = (prepare('select date, quantity from promised_quantities where sku = ? and location_id = ?').raw().all(sku, locationId) as Row[]).map(dated);
    return { stock: stock === undefined ? [] : [{ sku, locationId, onHand: stock[0] as number, reserved: stock[1] as number }], scheduled, promised };
  };

  /** The stock, scheduled changes in `window` and (`withPromised`) promised quantities of `skus`. */
  const supplyRows = (skus: readonly string[], window: { after: string; until: string } | null, withPromised: boolean): SupplyRows => {
    if (skus.length === 0) return { stock: [], scheduled: [], promised: [] };
    const keys = json(skus);
    const stock = (prepare('select sku, location_id, on_hand, reserved from stock where sku in (select value from json_each(?))').raw().all(keys) as Row[]).map((r) => ({
      sku: r[0] as string,
      locationId: r[1] as string,
      onHand: r[2] as number,
      reserved: r[3] as number,
    }));
    const dated = (r: Row): DatedSkuQuantity => ({ sku: r[0] as string, locationId: r[1] as string, date: r[2] as string, quantity: r[3] as number });
    const scheduled =
      window === null
        ? []
        : (
            prepare(`select sku, location_id, date, sum(quantity) from schedule_entries
              where sku in (select value from json_each(?)) and date > ? and date <= ? group by sku, location_id, date`)
              .raw()
              .all(keys, window.after, window.until) as Row[]
          ).map(dated);
    const promised = withPromised
      ? (prepare('select sku, location_id, date, quantity from promised_quantities where sku in (select value from json_each(?))').raw().all(keys) as Row[]).map(dated)
      : [];
    return { stock, scheduled, promised };
  };

  return {
    name: 'sqlite',
    async lockSkus() {},
    async lockRow() {},
    async announceKeysChanged() {},
    // WAL with synchronous = NORMAL already commits without waiting for the disk; hot statements name their index.
    async batchSession() {},
    async beforeRun() {},
    concurrentWriters: false,
    isUniqueViolation(error) {
      const code = (error as { code?: string } | null)?.code;
      return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
    },

    async heldLines(_trx: Executor, skus: readonly string[]): Promise<StoredLine[]> {
      if (skus.length === 0) return [];
      const rows = prepare(`select ${LINE_COLUMNS} from order_lines indexed by order_lines_open where sku in (select value from json_each(?)) and ${HELD}`).raw().all(json(skus)) as Row[];
      return rows.map(lineFromRow);
    },

    async heldSkus(_trx: Executor, q: HeldSkusQuery): Promise<string[]> {
      const only = q.only === null ? '' : 'and sku in (select value from json_each(?))';
      const held = heldCountTerms(q);
      const args: unknown[] = [q.after ?? ''];
      if (q.only !== null) args.push(json(q.only));
      args.push(q.maxSkus);
      const rows = prepare(`select sku, ${held.lines} from products indexed by products_held where ${held.condition} and sku > ? ${only} order by sku limit ?`)
        .raw()
        .all(...args) as [string, number][];
      return skusUpTo(rows, q);
    },

    async heldVersions(_trx, skus) {
      if (skus.length === 0) return new Map();
      const rows = prepare('select sku, held_version from products where sku in (select value from json_each(?))').raw().all(json(skus)) as [string, number][];
      return new Map(rows);
    },

    async countInScope(_trx, scope, upTo) {
      const only = scope.skus === null ? '' : 'and sku in (select value from json_each(?))';
      if (!scope.kind.launchedOnly) {
        // Every held line of the status is in scope: the products' counts of them add up to it.
        const held = heldCountTerms({ withStatus: scope.kind.moves });
        const sum = prepare(`select coalesce(sum(${held.lines}), 0) from products indexed by products_held where ${held.condition} ${only}`).pluck();
        return sum.get(...(scope.skus === null ? [] : [json(scope.skus)])) as number;
      }
      // Only the lines whose launch date has come (a preorder run): each line's row is read, and a scan of the table
      // is cheaper than the held index then.
      const args: unknown[] = [scope.today];
      if (scope.skus !== null) args.push(json(scope.skus));
      // LIMIT -1: no limit.
      const stmt = prepare(`select count(*) from (select 1 from order_lines where status_reason = '${scope.kind.moves}' and launch_date <= ? ${only} limit ?)`).pluck();
      return stmt.get(...args, upTo ?? -1) as number;
    },

    async lastEventId() {
      return (prepare('select coalesce(max(id), 0) from line_events').pluck().get() as number) ?? 0;
    },

    async supply(_trx, skus, window, withPromised): Promise<SupplyRows> {
      return supplyRows(skus, window, withPromised);
    },

    async atpRows(db, sku, locationId, window, settingsKey): Promise<AtpRows> {
      // Synchronous statements on the one connection: nothing commits between them, so they read one snapshot.
      return outside(db, () => {
        const product = prepare('select 1 from products where sku = ?').raw().get(sku) !== undefined;
        const locations = (prepare('select id, priority, active from locations').raw().all() as Row[]).map((r) => ({
          id: r[0] as string,
          priority: r[1] as number,
          active: r[2] === 1,
        }));
        const settings = prepare('select value from config where key = ?').raw().get(settingsKey) as Row | undefined;
        const supply = locationId === null ? supplyRows([sku], window, true) : locationSupply(sku, locationId, window);
        return { productExists: product, locations, settings: settings?.[0] as string | undefined, supply };
      });
    },

    async insertOrder(_trx, order: StoredOrder, lines: readonly OrderLine[], events: readonly LineEvent[]) {
      prepare(`insert into orders (id, external_id, idempotency_key, request_hash, channel, customer_id, ordered_at, priority, ship_country, ship_region, ship_postal_code)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        order.id,
        order.externalId,
        order.idempotencyKey,
        order.requestHash,
        order.channel,
        order.customerId,
        order.orderedAt,
        order.priority,
        order.shipTo.country,
        order.shipTo.region,
        order.shipTo.postalCode,
      );
      const skuOf = new Map(lines.map((l) => [l.id, l.sku]));
      const ids = insertEvents(events.map((e) => [e, skuOf.get(e.lineId)!] as const), null);
      const seqOf = new Map(events.map((e, i) => [e.lineId, ids[i]!]));
      insertMany(
        'order_lines',
        ['id', 'order_id', 'line_number', 'sku', 'quantity', 'location_id', 'status_reason', 'inventory_availability_date', 'estimated_shipment_date',
          'launch_date', 'backordered_at', 'version', 'priority', 'ordered_at', 'channel', 'ship_country', 'ship_region', 'status_seq'],
        lines.map((l) => [l.id, order.id, l.lineNumber, l.sku, l.quantity, l.locationId, l.statusReason, l.inventoryAvailabilityDate, l.estimatedShipmentDate,
          l.launchDate, l.backorderedAt, l.version, order.priority, order.orderedAt, order.channel, order.shipTo.country, order.shipTo.region, seqOf.get(l.id) ?? null]),
      );
      const placed = lines.map((l) => ({ before: null, after: l }));
      applyPromised(promisedDeltas(placed));
      bumpHeld(heldCountsOf(placed));
    },

    prepareChanges(changes): PreparedChanges {
      // In (sku, id) order, the order of the table and of the event index: neighbouring rows share pages.
      const sorted = [...changes].sort(bySkuThenId);
      return { size: sorted.length, promised: promisedDeltas(sorted), held: heldCountsOf(sorted), rows: sorted };
    },
    preparedCrossThreads: false,

    async writePrepared(_trx, prepared, runId): Promise<EventSpan | null> {
      if (prepared.size === 0) return null;
      const sorted = prepared.rows as readonly LineChange[];
      const ids = insertEvents(sorted.map((c) => [c.event, c.after.sku] as const), runId);
      // Rows are found by their primary key (sku, id): a batch's rows sit together.
      const move = prepare(`update order_lines set status_reason = ?, location_id = ?, inventory_availability_date = ?, estimated_shipment_date = ?,
        launch_date = ?, backordered_at = ?, version = ?, status_seq = ? where sku = ? and id = ? and version = ?`);
      // A re-dating names no indexed column, so no index is touched.
      const redate = prepare(`update order_lines set location_id = ?, inventory_availability_date = ?, estimated_shipment_date = ?, version = ?
        where sku = ? and id = ? and version = ?`);
      sorted.forEach(({ before: b, after: a }, i) => {
        const result =
          a.statusReason === b.statusReason
            ? redate.run(a.locationId, a.inventoryAvailabilityDate, a.estimatedShipmentDate, a.version, b.sku, b.id, b.version)
            : move.run(a.statusReason, a.locationId, a.inventoryAvailabilityDate, a.estimatedShipmentDate, a.launchDate, a.backorderedAt, a.version, ids[i], b.sku, b.id, b.version);
        if (result.changes !== 1) throw new RetryableConflict(`line ${b.id} changed since version ${b.version}`);
      });
      applyPromised(prepared.promised);
      bumpHeld(prepared.held);
      return spanOf(ids);
    },

    async reserve(_trx, rows: readonly SkuQuantity[], now: number) {
      const stmt = prepare('update stock set reserved = reserved + ?, updated_at = ? where sku = ? and location_id = ? and on_hand - reserved >= ?');
      for (const r of rows) if (stmt.run(r.quantity, now, r.sku, r.locationId, r.quantity).changes !== 1) return false;
      return true;
    },
  };
}
