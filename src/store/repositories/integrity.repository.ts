/**
 * The doctor's queries (SPEC section 8): set-based checks of the books against the lines, run over one range of
 * skus at a time (`after < sku <= upTo`, `upTo` null for the last range) so a million lines are checked in bounded
 * memory with the database doing the work; and the repair, which recomputes `reserved` and the promised
 * quantities from the lines and records each correction in `integrity_repairs`. The same SQL runs on SQLite and
 * PostgreSQL.
 */
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { Executor } from '../database.ts';

export interface SkuRange {
  /** Skus after this one ('' for the first range). */
  readonly after: string;
  /** Up to this sku, included; null: to the end. */
  readonly upTo: string | null;
}

const HELD = sql.raw(`status_reason in ('PreorderHold', 'BackorderHold')`);
const CANCELED = sql.raw(`('CanceledByRequest', 'BackorderSlaExpired', 'OutOfStock')`);
const KNOWN = sql.raw(`('New', 'PreorderHold', 'BackorderHold', 'AwaitingFulfillment', 'Shipped', 'CanceledByRequest', 'BackorderSlaExpired', 'OutOfStock')`);

const inRange = (column: string, r: SkuRange | null): RawBuilder<unknown> => {
  if (r === null) return sql`1 = 1`;
  return r.upTo === null ? sql`${sql.ref(column)} > ${r.after}` : sql`${sql.ref(column)} > ${r.after} and ${sql.ref(column)} <= ${r.upTo}`;
};

/**
 * The range of at most `size` catalog skus after `after` ('' for the first). The range that reaches the end of the
 * catalog runs to the end of the key space (`upTo` null), so rows of skus missing from the catalog are checked too.
 */
export async function nextSkuRange(db: Executor, after: string, size: number): Promise<SkuRange> {
  const rows = await db.selectFrom('products').select('sku').where('sku', '>', after).orderBy('sku').limit(size).execute();
  return { after, upTo: rows.length < size ? null : rows[rows.length - 1]!.sku };
}

/** Every sku of the catalog, in sku order (what the repair locks). */
export async function catalogSkus(db: Executor): Promise<string[]> {
  return (await db.selectFrom('products').select('sku').orderBy('sku').execute()).map((p) => p.sku);
}

// ---------------------------------------------------------------- reserved

/** Released, unshipped quantities per (sku, location): what `reserved` must be. */
const releasedSums = (r: SkuRange | null) => sql`select sku, location_id, sum(quantity) as q from order_lines
  where status_reason = 'AwaitingFulfillment' and location_id is not null and ${inRange('sku', r)} group by sku, location_id`;

export interface ReservedMismatch {
  readonly sku: string;
  readonly location_id: string;
  /** Null when there is no stock row. */
  readonly reserved: number | null;
  readonly held: number;
}

const reservedMismatches = (r: SkuRange | null) => sql<ReservedMismatch>`
  select s.sku, s.location_id, s.reserved, coalesce(a.q, 0) as held
  from stock s left join (${releasedSums(r)}) a on a.sku = s.sku and a.location_id = s.location_id
  where ${inRange('s.sku', r)} and s.reserved <> coalesce(a.q, 0)
  union all
  select a.sku, a.location_id, null as reserved, a.q as held from (${releasedSums(r)}) a
  where not exists (select 1 from stock s where s.sku = a.sku and s.location_id = a.location_id)`;

export async function findReservedMismatches(db: Executor, r: SkuRange, limit: number): Promise<ReservedMismatch[]> {
  const rows = await sql<ReservedMismatch>`select * from (${reservedMismatches(r)}) m order by sku, location_id limit ${limit}`.execute(db);
  return rows.rows.map((m) => ({ ...m, reserved: m.reserved === null ? null : Number(m.reserved), held: Number(m.held) }));
}

// ---------------------------------------------------------------- lines

export interface LineRow {
  readonly id: string;
  readonly sku: string;
  readonly status_reason: string;
  readonly location_id: string | null;
  readonly inventory_availability_date: string | null;
  readonly estimated_shipment_date: string | null;
  readonly launch_date: string | null;
  readonly backordered_at: number | null;
}

/**
 * Lines whose status reason is unknown, or whose fields do not fit it: a released line without its location and
 * dates, a shipped one without location, a canceled one with dates, a backordered one without `backorderedAt`, a
 * preorder without launch date, a line still New after intake; a held line with one date and not the other, or a
 * location exactly when it has no date.
 */
export async function findBadLines(db: Executor, r: SkuRange, limit: number): Promise<LineRow[]> {
  const rows = await sql<LineRow>`
    select id, sku, status_reason, location_id, inventory_availability_date, estimated_shipment_date, launch_date, backordered_at
    from order_lines where ${inRange('sku', r)} and (
      status_reason not in ${KNOWN}
      or status_reason = 'New'
      or (status_reason = 'AwaitingFulfillment' and (location_id is null or inventory_availability_date is null or estimated_shipment_date is null))
      or (status_reason = 'Shipped' and location_id is null)
      or (status_reason in ${CANCELED} and (inventory_availability_date is not null or estimated_shipment_date is not null))
      or (status_reason = 'BackorderHold' and backordered_at is null)
      or (status_reason = 'PreorderHold' and launch_date is null)
      or (${HELD} and ((inventory_availability_date is null) <> (estimated_shipment_date is null) or (location_id is null) <> (inventory_availability_date is null)))
    )
    order by sku, id limit ${limit}`.execute(db);
  return rows.rows;
}

export interface EventMismatch {
  readonly id: string;
  readonly sku: string;
  readonly version: number | null;
  readonly status_reason: string | null;
  readonly events: number;
  readonly last_to: string | null;
}

/**
 * Lines whose history does not account for them: as many events as the version (each change writes one), the
 * last one ending in the line's status reason; and events of lines that do not exist (`version` null).
 */
export async function findEventMismatches(db: Executor, r: SkuRange, limit: number): Promise<EventMismatch[]> {
  const rows = await sql<EventMismatch>`
    select x.id, x.sku, x.version, x.status_reason, x.n as events, e.to_reason as last_to from (
      select l.id, l.sku, l.version, l.status_reason, count(e.id) as n, max(e.id) as last_id
      from order_lines l left join line_events e on e.sku = l.sku and e.line_id = l.id
      where ${inRange('l.sku', r)}
      group by l.id, l.sku, l.version, l.status_reason
    ) x left join line_events e on e.id = x.last_id
    where x.n <> x.version or (x.n > 0 and e.to_reason <> x.status_reason)
    union all
    select e.line_id as id, e.sku, null as version, null as status_reason, count(*) as events, null as last_to
    from line_events e where ${inRange('e.sku', r)} and not exists (select 1 from order_lines l where l.sku = e.sku and l.id = e.line_id)
    group by e.line_id, e.sku
    order by sku, id limit ${limit}`.execute(db);
  return rows.rows.map((m) => ({ ...m, version: m.version === null ? null : Number(m.version), events: Number(m.events) }));
}

// ---------------------------------------------------------------- promised quantities

export interface PromisedMismatch {
  readonly sku: string;
  readonly location_id: string;
  readonly date: string;
  /** Null when the ledger has no row. */
  readonly ledger: number | null;
  readonly held: number;
}

const heldPromises = (r: SkuRange | null) => sql`select sku, location_id, inventory_availability_date as date, sum(quantity) as q from order_lines
  where ${HELD} and location_id is not null and inventory_availability_date is not null and ${inRange('sku', r)}
  group by sku, location_id, inventory_availability_date`;

const promisedMismatches = (r: SkuRange | null) => sql<PromisedMismatch>`
  select coalesce(h.sku, p.sku) as sku, coalesce(h.location_id, p.location_id) as location_id, coalesce(h.date, p.date) as date,
    p.quantity as ledger, coalesce(h.q, 0) as held
  from (${heldPromises(r)}) h
  full outer join (select * from promised_quantities where ${inRange('sku', r)}) p on p.sku = h.sku and p.location_id = h.location_id and p.date = h.date
  where coalesce(p.quantity, 0) <> coalesce(h.q, 0) or (p.quantity is not null and p.quantity = 0)`;

export async function findPromisedMismatches(db: Executor, r: SkuRange, limit: number): Promise<PromisedMismatch[]> {
  const rows = await sql<PromisedMismatch>`select * from (${promisedMismatches(r)}) m order by sku, location_id, date limit ${limit}`.execute(db);
  return rows.rows.map((m) => ({ ...m, ledger: m.ledger === null ? null : Number(m.ledger), held: Number(m.held) }));
}

// ---------------------------------------------------------------- held counts

export interface HeldCountMismatch {
  readonly sku: string;
  readonly held_backorder: number;
  readonly held_preorder: number;
  /** What the lines say. */
  readonly backorder: number;
  readonly preorder: number;
}

const heldCountsOfLines = (r: SkuRange | null) => sql`select sku,
    sum(case when status_reason = 'BackorderHold' then 1 else 0 end) as b, sum(case when status_reason = 'PreorderHold' then 1 else 0 end) as p
  from order_lines where ${HELD} and ${inRange('sku', r)} group by sku`;

const heldCountMismatches = (r: SkuRange | null) => sql<HeldCountMismatch>`
  select p.sku, p.held_backorder, p.held_preorder, coalesce(h.b, 0) as backorder, coalesce(h.p, 0) as preorder
  from products p left join (${heldCountsOfLines(r)}) h on h.sku = p.sku
  where ${inRange('p.sku', r)} and (p.held_backorder <> coalesce(h.b, 0) or p.held_preorder <> coalesce(h.p, 0))`;

/**
 * Counts the held lines of the products (those `where` picks, or all) again from their lines; answers how many
 * products it updated. The repair's; also what a bulk load of lines straight into the tables ends with.
 */
export async function recountHeldLines(db: Executor, where: RawBuilder<unknown> = sql`1 = 1`): Promise<number> {
  const r = await sql`update products set
      held_backorder = (select count(*) from order_lines l where l.sku = products.sku and l.status_reason = 'BackorderHold'),
      held_preorder = (select count(*) from order_lines l where l.sku = products.sku and l.status_reason = 'PreorderHold')
    where ${where}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Products whose counts of held lines (what job runs find their skus by) differ from their lines. */
export async function findHeldCountMismatches(db: Executor, r: SkuRange, limit: number): Promise<HeldCountMismatch[]> {
  const rows = await sql<HeldCountMismatch>`select * from (${heldCountMismatches(r)}) m order by sku limit ${limit}`.execute(db);
  return rows.rows.map((m) => ({ sku: m.sku, held_backorder: Number(m.held_backorder), held_preorder: Number(m.held_preorder), backorder: Number(m.backorder), preorder: Number(m.preorder) }));
}

// ---------------------------------------------------------------- repair

export interface RepairCounts {
  readonly reserved: number;
  readonly promised: number;
  /** Products whose counts of held lines were corrected. */
  readonly heldCounts: number;
}

/**
 * Recomputes every stock row's `reserved` from its released, unshipped lines (adding the stock row a released line
 * lacks) and every promised quantity from the held lines, recording each correction first. Runs in the caller's
 * transaction, which must hold every sku's lock.
 */
export async function repairBooks(trx: Executor, actor: string, now: number): Promise<RepairCounts> {
  const audit = await sql`insert into integrity_repairs (repaired_at, actor, subject, sku, location_id, date, before, after)
    select ${now}, ${actor}, 'reserved', sku, location_id, null, reserved, held from (${reservedMismatches(null)}) m`.execute(trx);
  await sql`update stock set updated_at = ${now}, reserved = coalesce((select sum(l.quantity) from order_lines l
      where l.sku = stock.sku and l.location_id = stock.location_id and l.status_reason = 'AwaitingFulfillment'), 0)
    where (sku, location_id) in (select sku, location_id from (${reservedMismatches(null)}) m where m.reserved is not null)`.execute(trx);
  await sql`insert into stock (sku, location_id, on_hand, reserved, updated_at)
    select a.sku, a.location_id, 0, a.q, ${now} from (${releasedSums(null)}) a
    where not exists (select 1 from stock s where s.sku = a.sku and s.location_id = a.location_id)
      and exists (select 1 from products p where p.sku = a.sku) and exists (select 1 from locations o where o.id = a.location_id)`.execute(trx);

  const promisedAudit = await sql`insert into integrity_repairs (repaired_at, actor, subject, sku, location_id, date, before, after)
    select ${now}, ${actor}, 'promised', sku, location_id, date, ledger, held from (${promisedMismatches(null)}) m`.execute(trx);
  // Out with every ledger row that is wrong, then in with the sums the ledger lacks (the ones just taken out too).
  await sql`delete from promised_quantities where (sku, location_id, date) in (select sku, location_id, date from (${promisedMismatches(null)}) m)`.execute(trx);
  await sql`insert into promised_quantities (sku, location_id, date, quantity)
    select h.sku, h.location_id, h.date, h.q from (${heldPromises(null)}) h
    where not exists (select 1 from promised_quantities p where p.sku = h.sku and p.location_id = h.location_id and p.date = h.date)`.execute(trx);

  // A product's counts of held lines, one correction recorded per hold (its location: every location, '*').
  for (const [subject, column, counted] of [
    ['held_backorder', 'held_backorder', 'backorder'],
    ['held_preorder', 'held_preorder', 'preorder'],
  ] as const) {
    await sql`insert into integrity_repairs (repaired_at, actor, subject, sku, location_id, date, before, after)
      select ${now}, ${actor}, ${subject}, sku, '*', null, ${sql.ref(column)}, ${sql.ref(counted)} from (${heldCountMismatches(null)}) m
      where ${sql.ref(column)} <> ${sql.ref(counted)}`.execute(trx);
  }
  const held = await recountHeldLines(trx, sql`sku in (select sku from (${heldCountMismatches(null)}) m)`);
  return { reserved: Number(audit.numAffectedRows ?? 0), promised: Number(promisedAudit.numAffectedRows ?? 0), heldCounts: held };
}

export interface RepairRow {
  readonly id: number;
  readonly subject: string;
  readonly sku: string;
  readonly location_id: string;
  readonly date: string | null;
  readonly before: number | null;
  readonly after: number;
}

/** The id of the last correction recorded so far (0: none): a repair's own corrections come after it. */
export async function lastRepairId(db: Executor): Promise<number> {
  const row = await db.selectFrom('integrity_repairs').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** The corrections recorded after `afterId`, first ones first, at most `limit`. */
export async function repairsAfter(db: Executor, afterId: number, limit: number): Promise<RepairRow[]> {
  const rows = await db
    .selectFrom('integrity_repairs')
    .select(['id', 'subject', 'sku', 'location_id', 'date', 'before', 'after'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, before: r.before === null ? null : Number(r.before), after: Number(r.after) }));
}

/** The skus whose `reserved` or promised quantities the corrections after `afterId` changed: their supply moved. */
export async function suppliesRepairedAfter(db: Executor, afterId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('integrity_repairs')
    .select('sku')
    .distinct()
    .where('id', '>', afterId)
    .where('subject', 'in', ['reserved', 'promised'])
    .orderBy('sku')
    .execute();
  return rows.map((r) => r.sku);
}
