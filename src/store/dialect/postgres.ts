/**
 * The store on PostgreSQL: sets travel as arrays (`= any($1)`, `unnest(...)`), so one statement handles any
 * number of rows with one round trip and one plan. Writers of a sku serialize on its product row, taken in sku
 * order so two transactions never deadlock on them.
 */
import { sql } from 'kysely';
import { RetryableConflict } from '../errors.ts';
import type { Executor } from '../database.ts';
import { eventDataJson } from '../../domain/order/order-line.ts';
import type { LineChange, LineEvent, OrderLine } from '../../domain/order/order-line.ts';
import type { StoredLine, StoredOrder } from '../repositories/orders.repository.ts';
import { heldCountsOf, promisedDeltas } from './promised-deltas.ts';
import { LINE_TEXT, linesFromText } from './line-row.ts';
import { heldCountTerms, skusUpTo } from './next-skus.ts';
import type { AtpRows, DatedSkuQuantity, EventSpan, HeldCountDelta, HeldSkusQuery, PreparedChanges, SkuQuantity, StockRow, StoreDialect, SupplyRows } from './store-dialect.ts';

/** Held lines: open (no settled reason, the partial index `order_lines_open`), with a held status. */
const HELD = sql.raw(`settled_reason is null and status_reason in ('PreorderHold', 'BackorderHold')`);
const uniq = (values: Iterable<string>) => [...new Set(values)];

/**
 * A column of a batch as one text parameter, for `string_to_array($n, chr(30), '')`: the values joined by the record
 * separator, a null as an empty string. Joining is one native call, where the driver's array literal quotes and
 * escapes each value in JavaScript, and the text is shorter. It holds for what a batch writes: ids, skus and
 * location codes are validated to printable characters, dates, statuses and numbers have no control characters, and
 * JSON text escapes them; none of them is an empty string.
 */
const joinedList = (values: readonly (string | number | null)[]): string => values.join('\x1e');

/** A batch of line changes as PostgreSQL writes them: one joined column each (`joinedList`), and their ctids if all are known. */
interface PostgresRows {
  readonly columns: readonly string[];
  readonly rowRefs: string | null;
}

/**
 * Inserts events (each with its line's sku) in one statement; answers the event id of each line. The events are
 * the outbox: the statement takes the transaction's id before it draws the first event id, which the fan-out's
 * barrier counts on (`raiseOutboxBarrier`).
 */
async function insertEvents(trx: Executor, withSku: readonly (readonly [LineEvent, string])[], runId: string | null): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (withSku.length === 0) return ids;
  const events = withSku.map(([e]) => e);
  // The condition runs for each row before the row draws its id (the column default, evaluated above the scan).
  const rows = await sql<{ id: number; line_id: string }>`
    insert into line_events (order_id, line_id, sku, type, from_reason, to_reason, at, data, run_id)
    select o, l, s, t, f, r, a, d, ${runId}::text from unnest(
      ${events.map((e) => e.orderId)}::text[], ${events.map((e) => e.lineId)}::text[], ${withSku.map(([, sku]) => sku)}::text[], ${events.map((e) => e.type)}::text[],
      ${events.map((e) => e.from)}::text[], ${events.map((e) => e.to)}::text[], ${events.map((e) => e.at)}::bigint[],
      ${events.map((e) => eventDataJson(e))}::text[]) as v(o, l, s, t, f, r, a, d)
    where pg_current_xact_id() is not null
    returning id, line_id`.execute(trx);
  for (const r of rows.rows) ids.set(r.line_id, Number(r.id));
  return ids;
}

async function applyPromised(trx: Executor, deltas: readonly DatedSkuQuantity[]): Promise<void> {
  if (deltas.length === 0) return;
  const skus = deltas.map((d) => d.sku);
  const locations = deltas.map((d) => d.locationId);
  const dates = deltas.map((d) => d.date);
  await sql`insert into promised_quantities (sku, location_id, date, quantity)
    select * from unnest(${skus}::text[], ${locations}::text[], ${dates}::text[], ${deltas.map((d) => d.quantity)}::bigint[])
    on conflict (sku, location_id, date) do update set quantity = promised_quantities.quantity + excluded.quantity`.execute(trx);
  await sql`delete from promised_quantities p using unnest(${skus}::text[], ${locations}::text[], ${dates}::text[]) as v(s, l, d)
    where p.sku = v.s and p.location_id = v.l and p.date = v.d and p.quantity = 0`.execute(trx);
}

/**
 * Bumps the held version of the skus and moves their counts of held lines. Their product rows are locked by then
 * (every writer locks its skus first), so this takes no new lock.
 */
async function bumpHeld(trx: Executor, deltas: readonly HeldCountDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await sql`update products p set held_version = p.held_version + 1, held_backorder = p.held_backorder + v.b, held_preorder = p.held_preorder + v.r
    from unnest(${deltas.map((d) => d.sku)}::text[], ${deltas.map((d) => d.backorder)}::int[], ${deltas.map((d) => d.preorder)}::int[]) as v(sku, b, r)
    where p.sku = v.sku`.execute(trx);
}

/** A pool's plain query: the store's few named prepared statements go through it. */
export interface PreparedQueries {
  query<R extends object>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

type AtpJson = [string, string | number, number][];
interface AtpRow {
  product: boolean;
  locations: [string, number, number][] | null;
  settings: string | null;
  stock: AtpJson | null;
  scheduled: AtpJson | null;
  promised: AtpJson | null;
}

/**
 * What `GET /api/atp` reads: $1 the sku, $2 the settings key, $3 and $4 the schedule window (null: none), and for
 * one location $5 its id. One text per case, with no `$5 is null or ...`: a condition that depends on a parameter
 * being null keeps PostgreSQL from trusting a generic plan, so it planned the statement again on every query (about
 * 0.2 ms of the backend's time, as long as running it).
 */
/**
 * A sku's stock, scheduled changes in the window (`after`, `until`: parameters, null for none) and promised quantities,
 * each as a JSON array; `at` narrows them.
 */
const supplyJsonColumns = (sku: string, at: string, after: string, until: string) => `(select json_agg(json_build_array(location_id, on_hand, reserved)) from stock where sku = ${sku}${at}) as stock,
    (select json_agg(json_build_array(location_id, date, q)) from (select location_id, date, sum(quantity) as q from schedule_entries
      where sku = ${sku}${at} and ${after}::text is not null and date > ${after}::text and date <= ${until}::text group by location_id, date) s) as scheduled,
    (select json_agg(json_build_array(location_id, date, quantity)) from promised_quantities where sku = ${sku}${at}) as promised`;

const atpRowsText = (oneLocation: boolean) => {
  const at = oneLocation ? ' and location_id = $5::text' : '';
  return `select exists(select 1 from products where sku = $1) as product,
    (select json_agg(json_build_array(id, priority, active)) from locations) as locations,
    (select value from config where key = $2) as settings,
    ${supplyJsonColumns('$1', at, '$3', '$4')}`;
};
const ATP_ROWS_AT = atpRowsText(true);
const ATP_ROWS_ANYWHERE = atpRowsText(false);
/** The supply `atpRows` reads, for the skus in $1 (every location), the window $2 to $3. */
const ATP_SUPPLIES = `select k.sku, ${supplyJsonColumns('k.sku', '', '$2', '$3')} from unnest($1::text[]) as k(sku)`;

/** The JSON arrays of `supplyJsonColumns` as a sku's supply rows. */
function supplyFromJson(sku: string, row: Pick<AtpRow, 'stock' | 'scheduled' | 'promised'>): SupplyRows {
  const dated = (d: AtpJson[number]): DatedSkuQuantity => ({ sku, locationId: d[0], date: d[1] as string, quantity: Number(d[2]) });
  return {
    stock: (row.stock ?? []).map((d) => ({ sku, locationId: d[0], onHand: Number(d[1]), reserved: Number(d[2]) })),
    scheduled: (row.scheduled ?? []).map(dated),
    promised: (row.promised ?? []).map(dated),
  };
}

/**
 * What `atpRows` reads of each sku's supply, for many skus in one statement (one snapshot) and one round trip: the
 * rows travel as JSON per sku, which the driver parses natively (ATP kept in memory fills itself this way).
 */
export async function atpSupplies(prepared: PreparedQueries, skus: readonly string[], window: { after: string; until: string } | null): Promise<Map<string, SupplyRows>> {
  const r = await prepared.query<AtpRow & { sku: string }>({
    name: 'holdfast_atp_supplies',
    text: ATP_SUPPLIES,
    values: [skus, window?.after ?? null, window?.until ?? null],
  });
  return new Map(r.rows.map((row) => [row.sku, supplyFromJson(row.sku, row)]));
}

/** The channel on which key changes are announced (`announceKeysChanged`) and heard (database.ts). */
export const KEY_NOTICES = 'holdfast_keys';
/** The channel on which each process says, after its commits, which skus' ATP changed (database.ts). */
export const ATP_NOTICES = 'holdfast_atp';

export function postgresStore(prepared: PreparedQueries): StoreDialect {
  return {
    name: 'postgres',
    async lockSkus(trx, skus) {
      const sorted = uniq(skus).sort();
      if (sorted.length === 0) return;
      await sql`select sku from products where sku = any(${sorted}::text[]) order by sku for update`.execute(trx);
    },
    async lockRow(trx, table, keyColumn, key, mode = 'update') {
      await sql`select 1 from ${sql.table(table)} where ${sql.ref(keyColumn)} = ${key} ${sql.raw(mode === 'keyShare' ? 'for key share' : 'for update')}`.execute(trx);
    },
    isUniqueViolation(error) {
      return (error as { code?: string } | null)?.code === '23505';
    },
    async announceKeysChanged(trx) {
      // A notice is sent at commit (and not at all on a rollback). Key changes are rare: the lock a notifying
      // transaction holds through its commit costs nothing here.
      await sql`select pg_notify(${KEY_NOTICES}, '')`.execute(trx);
    },
    async batchSession(trx) {
      // A batch's few thousand rows are found by primary key: a hash or merge join would scan the whole table.
      await sql`set local synchronous_commit = off; set local enable_hashjoin = off; set local enable_mergejoin = off`.execute(trx);
    },
    async beforeRun(db) {
      // Without statistics (a bulk load autovacuum has not seen yet) the planner sorts every held line per batch.
      const r = await sql<{ stale: boolean }>`select (last_analyze is null and last_autoanalyze is null) or n_mod_since_analyze > n_live_tup / 5 as stale
        from pg_stat_user_tables where relname = 'order_lines'`.execute(db);
      if (r.rows[0]?.stale) await sql`analyze order_lines`.execute(db);
    },
    concurrentWriters: true,

    async heldLines(trx, skus): Promise<StoredLine[]> {
      if (skus.length === 0) return [];
      // One text for the batch (`LINE_TEXT`), split in the client. Each line carries its ctid, where a write in the
      // same run finds it (`writePrepared`).
      const rows = await sql<{ lines: string | null }>`select string_agg(${sql.raw(LINE_TEXT)}, chr(30)) as lines
        from order_lines where sku = any(${uniq(skus)}::text[]) and ${HELD}`.execute(trx);
      return linesFromText(rows.rows[0]?.lines ?? '');
    },

    async heldSkus(trx, q: HeldSkusQuery): Promise<string[]> {
      const held = heldCountTerms(q);
      const only = q.only === null ? sql`` : sql`and sku = any(${uniq(q.only)}::text[])`;
      const rows = await sql<{ sku: string; lines: number }>`select sku, ${sql.raw(held.lines)} as lines from products
        where ${sql.raw(held.condition)} and sku > ${q.after ?? ''} ${only} order by sku limit ${q.maxSkus}`.execute(trx);
      return skusUpTo(rows.rows.map((r) => [r.sku, Number(r.lines)] as const), q);
    },

    async heldVersions(trx, skus) {
      if (skus.length === 0) return new Map();
      const rows = await sql<{ sku: string; held_version: number }>`select sku, held_version from products where sku = any(${uniq(skus)}::text[])`.execute(trx);
      return new Map(rows.rows.map((r) => [r.sku, Number(r.held_version)]));
    },

    async countInScope(trx, scope, upTo) {
      const only = scope.skus === null ? sql`` : sql`and sku = any(${uniq(scope.skus)}::text[])`;
      if (!scope.kind.launchedOnly) {
        // Every held line of the status is in scope: the products' counts of them add up to it.
        const held = heldCountTerms({ withStatus: scope.kind.moves });
        const r = await sql<{ n: number }>`select coalesce(sum(${sql.raw(held.lines)}), 0)::int as n from products where ${sql.raw(held.condition)} ${only}`.execute(trx);
        return Number(r.rows[0]?.n ?? 0);
      }
      // Only the lines whose launch date has come (a preorder run).
      const limit = upTo === undefined ? sql`` : sql`limit ${upTo}`;
      const r = await sql<{ n: number }>`select count(*)::int as n from (select 1 from order_lines
        where settled_reason is null and status_reason = ${sql.lit(scope.kind.moves)} and launch_date <= ${scope.today} ${only} ${limit}) as lines`.execute(trx);
      return Number(r.rows[0]?.n ?? 0);
    },

    async lastEventId(trx) {
      const r = await sql<{ id: number | null }>`select max(id) as id from line_events`.execute(trx);
      return Number(r.rows[0]?.id ?? 0);
    },

    async supply(trx, skus, window, withPromised): Promise<SupplyRows> {
      if (skus.length === 0) return { stock: [], scheduled: [], promised: [] };
      const keys = uniq(skus);
      // One round trip: stock rows (kind 0), scheduled changes in the window summed by day (1), promised quantities (2).
      const scheduled = window === null ? sql`` : sql`union all select 1, sku, location_id, date, sum(quantity)::bigint, null from schedule_entries
        where sku = any(${keys}::text[]) and date > ${window.after} and date <= ${window.until} group by sku, location_id, date`;
      const promised = withPromised ? sql`union all select 2, sku, location_id, date, quantity::bigint, null from promised_quantities where sku = any(${keys}::text[])` : sql``;
      const r = await sql<{ kind: number; sku: string; location_id: string; date: string | null; a: string; b: string | null }>`
        select 0 as kind, sku, location_id, null::text as date, on_hand::bigint as a, reserved::bigint as b from stock where sku = any(${keys}::text[])
        ${scheduled} ${promised}`.execute(trx);
      const stock: StockRow[] = [];
      const dated: [DatedSkuQuantity[], DatedSkuQuantity[]] = [[], []];
      for (const x of r.rows) {
        if (x.kind === 0) stock.push({ sku: x.sku, locationId: x.location_id, onHand: Number(x.a), reserved: Number(x.b) });
        else dated[x.kind - 1]!.push({ sku: x.sku, locationId: x.location_id, date: x.date!, quantity: Number(x.a) });
      }
      return { stock, scheduled: dated[0], promised: dated[1] };
    },

    async atpRows(_db, sku, locationId, window, settingsKey): Promise<AtpRows> {
      // One statement sees one snapshot: no transaction, one round trip; prepared once per connection, so each
      // query is only bound and executed.
      const values = [sku, settingsKey, window?.after ?? null, window?.until ?? null];
      const r = await prepared.query<AtpRow>(
        locationId === null
          ? { name: 'holdfast_atp_rows_anywhere', text: ATP_ROWS_ANYWHERE, values }
          : { name: 'holdfast_atp_rows_at', text: ATP_ROWS_AT, values: [...values, locationId] },
      );
      const row = r.rows[0]!;
      return {
        productExists: row.product,
        locations: (row.locations ?? []).map(([id, priority, active]) => ({ id, priority, active: active === 1 })),
        settings: row.settings ?? undefined,
        supply: supplyFromJson(sku, row),
      };
    },

    async insertOrder(trx, order: StoredOrder, lines: readonly OrderLine[], events: readonly LineEvent[]) {
      await sql`insert into orders (id, external_id, idempotency_key, request_hash, channel, customer_id, ordered_at, priority, ship_country, ship_region, ship_postal_code)
        values (${order.id}, ${order.externalId}, ${order.idempotencyKey}, ${order.requestHash}, ${order.channel}, ${order.customerId}, ${order.orderedAt},
          ${order.priority}, ${order.shipTo.country}, ${order.shipTo.region}, ${order.shipTo.postalCode})`.execute(trx);
      const skuOf = new Map(lines.map((l) => [l.id, l.sku]));
      const seq = await insertEvents(trx, events.map((e) => [e, skuOf.get(e.lineId)!] as const), null);
      const col = <T>(f: (l: OrderLine) => T) => lines.map(f);
      await sql`insert into order_lines (id, order_id, line_number, sku, quantity, location_id, status_reason, inventory_availability_date,
          estimated_shipment_date, launch_date, backordered_at, version, priority, ordered_at, channel, ship_country, ship_region, status_seq)
        select v.id, ${order.id}::text, v.line_number, v.sku, v.quantity, v.location_id, v.status_reason, v.iad, v.esd, v.launch_date, v.backordered_at,
          v.version, ${order.priority}::int, ${order.orderedAt}::bigint, ${order.channel}::text, ${order.shipTo.country}::text, ${order.shipTo.region}::text, v.s
        from unnest(${col((l) => l.id)}::text[], ${col((l) => l.lineNumber)}::int[], ${col((l) => l.sku)}::text[], ${col((l) => l.quantity)}::int[],
          ${col((l) => l.locationId)}::text[], ${col((l) => l.statusReason)}::text[], ${col((l) => l.inventoryAvailabilityDate)}::text[],
          ${col((l) => l.estimatedShipmentDate)}::text[], ${col((l) => l.launchDate)}::text[], ${col((l) => l.backorderedAt)}::bigint[],
          ${col((l) => l.version)}::int[], ${col((l) => seq.get(l.id) ?? null)}::bigint[])
          as v(id, line_number, sku, quantity, location_id, status_reason, iad, esd, launch_date, backordered_at, version, s)`.execute(trx);
      const placed = lines.map((l) => ({ before: null, after: l }));
      await applyPromised(trx, promisedDeltas(placed));
      await bumpHeld(trx, heldCountsOf(placed));
    },

    prepareChanges(changes): PreparedChanges {
      // In line id order, so two writers lock shared lines in the same order.
      const sorted = [...changes].sort((a, b) => (a.after.id < b.after.id ? -1 : a.after.id > b.after.id ? 1 : 0));
      const col = <T extends string | number | null>(f: (c: LineChange) => T) => joinedList(sorted.map(f));
      // Lines read by a run come with their ctid (`heldLines`): the write then goes straight to each row's page.
      const refs = sorted.map((c) => (c.before as Partial<StoredLine>).rowRef ?? null);
      const rows: PostgresRows = {
        columns: [
          col((c) => c.before.id), col((c) => c.before.version), col((c) => c.event.from), col((c) => c.event.to), col((c) => c.after.locationId),
          col((c) => c.after.inventoryAvailabilityDate), col((c) => c.after.estimatedShipmentDate), col((c) => c.after.launchDate),
          col((c) => c.after.backorderedAt), col((c) => c.after.version), col((c) => c.event.type), col((c) => c.event.at), col((c) => eventDataJson(c.event)),
        ],
        rowRefs: refs.every((r) => r !== null) ? joinedList(refs) : null,
      };
      return { size: sorted.length, promised: promisedDeltas(sorted), held: heldCountsOf(sorted), rows };
    },
    preparedCrossThreads: true,

    async writePrepared(trx, prepared, runId): Promise<EventSpan | null> {
      if (prepared.size === 0) return null;
      const { columns, rowRefs } = prepared.rows as PostgresRows;
      const [id, expected, from, to, location, iad, esd, launch, backorderedAt, version, type, at, data] = columns.map((c) => sql`string_to_array(${c}, chr(30), '')`);
      // With ctids, the update goes to each row's page (a TID scan) instead of down the primary key, whose pages a
      // run over many lines would otherwise read back in for every batch. A row updated since it was read has
      // another ctid and a newer version, so it is not updated either way.
      const found = rowRefs === null ? sql`l.id = v.id` : sql`l.ctid = v.tid and l.id = v.id`;
      // One statement: each change draws its event id (after the transaction has its id, as the fan-out's barrier
      // needs), updates its line if the line is still at the version read (a move sets status_seq to its event; a
      // re-dating keeps it, so PostgreSQL can leave the line on its page without touching an index), and the event
      // takes the line's order and sku from the row updated. Nothing but the count and the span comes back.
      const result = await sql<{ written: number; first: string | null; last: string | null }>`
        with v as (
          select v.*, nextval('line_events_id_seq') as eid
          from unnest(${id}, ${expected}::int[], ${from}, ${to}, ${location}, ${iad}, ${esd}, ${launch}, ${backorderedAt}::bigint[], ${version}::int[],
            ${type}, ${at}::bigint[], ${data}, string_to_array(${rowRefs ?? ''}, chr(30), '')::tid[])
            as v(id, expected, f, r, location_id, iad, esd, launch_date, backordered_at, version, t, a, d, tid)
          where pg_current_xact_id() is not null
        ), u as (
          update order_lines l set
            status_reason = v.r, location_id = v.location_id, inventory_availability_date = v.iad, estimated_shipment_date = v.esd,
            launch_date = v.launch_date, backordered_at = v.backordered_at, version = v.version,
            status_seq = case when v.r <> v.f then v.eid else l.status_seq end
          from v where ${found} and l.version = v.expected
          returning v.eid, l.order_id, l.id, l.sku, v.t, v.f, v.r, v.a, v.d
        ), e as (
          insert into line_events (id, order_id, line_id, sku, type, from_reason, to_reason, at, data, run_id)
          select eid, order_id, id, sku, t, f, r, a, d, ${runId}::text from u
          returning id
        )
        select count(*)::int as written, min(id)::text as first, max(id)::text as last from e`.execute(trx);
      const { written, first, last } = result.rows[0]!;
      if (written !== prepared.size) throw new RetryableConflict(`${prepared.size - written} of ${prepared.size} lines changed since they were read`);
      await applyPromised(trx, prepared.promised);
      await bumpHeld(trx, prepared.held);
      return { first: Number(first), last: Number(last) };
    },

    async reserve(trx, rows: readonly SkuQuantity[], now: number) {
      if (rows.length === 0) return true;
      const result = await sql`update stock s set reserved = s.reserved + v.q, updated_at = ${now}::bigint
        from unnest(${rows.map((r) => r.sku)}::text[], ${rows.map((r) => r.locationId)}::text[], ${rows.map((r) => r.quantity)}::bigint[]) as v(sku, loc, q)
        where s.sku = v.sku and s.location_id = v.loc and s.on_hand - s.reserved >= v.q`.execute(trx);
      return Number(result.numAffectedRows ?? 0) === rows.length;
    },
  };
}
