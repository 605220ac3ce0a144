/**
 * The invariants a seeded (or benchmarked) database must keep, checked in set-based SQL that runs on SQLite and
 * PostgreSQL alike (what `holdfast doctor` checks, plus what a seed must get right for a job run to trust it):
 *  - `reserved` equals the released, unshipped lines of each (sku, location);
 *  - every line is in a known status reason; a held line has both dates and a location, or none of them;
 *  - `promised_quantities` equals the held lines' promises summed per (sku, location, date);
 *  - each product's counts of held lines (`held_backorder`, `held_preorder`) equal its lines';
 *  - each line's version equals its number of events, and its `status_seq` is the id of its last status move.
 * Answers the problems found, each with a count and a plain description; none means the data is consistent.
 */
import { openSql } from './databases.mjs';

const HELD = `status_reason in ('PreorderHold', 'BackorderHold')`;
/** The held lines' promises summed per (sku, location, date). */
const HELD_SUMS = `select sku, location_id, inventory_availability_date as date, sum(quantity) as quantity from order_lines
  where ${HELD} and location_id is not null and inventory_availability_date is not null group by sku, location_id, inventory_availability_date`;
const REASONS = ['New', 'PreorderHold', 'BackorderHold', 'AwaitingFulfillment', 'Shipped', 'CanceledByRequest', 'BackorderSlaExpired', 'OutOfStock'];

const CHECKS = [
  {
    kind: 'reserved',
    detail: 'stock rows whose reserved differs from the sum of their released, unshipped lines',
    sql: `select count(*) as n from stock s where s.reserved <> coalesce((select sum(l.quantity) from order_lines l
            where l.sku = s.sku and l.location_id = s.location_id and l.status_reason = 'AwaitingFulfillment'), 0)`,
  },
  {
    kind: 'oversold',
    detail: 'stock rows with more reserved than on hand',
    sql: `select count(*) as n from stock where reserved > on_hand`,
  },
  {
    kind: 'status',
    detail: 'lines in an unknown status reason',
    sql: `select count(*) as n from order_lines where status_reason not in (${REASONS.map((r) => `'${r}'`).join(', ')})`,
  },
  {
    kind: 'placement',
    detail: 'held lines with only some of location, availability date and shipment date',
    sql: `select count(*) as n from order_lines where ${HELD} and not (
            (location_id is null and inventory_availability_date is null and estimated_shipment_date is null) or
            (location_id is not null and inventory_availability_date is not null and estimated_shipment_date is not null))`,
  },
  {
    kind: 'promised',
    detail: '(sku, location, date) whose promised quantity differs from the sum of its held lines',
    sql: `select (select count(*) from (${HELD_SUMS} except select sku, location_id, date, quantity from promised_quantities) missing)
               + (select count(*) from (select sku, location_id, date, quantity from promised_quantities except ${HELD_SUMS}) extra) as n`,
  },
  {
    kind: 'history',
    detail: 'lines whose version differs from their number of events',
    sql: `select count(*) as n from order_lines l left join (select line_id, count(*) as c from line_events group by line_id) e on e.line_id = l.id
          where coalesce(e.c, 0) <> l.version`,
  },
  {
    kind: 'held_counts',
    detail: "products whose counts of held lines (what a run finds its skus by) differ from their lines",
    sql: `select count(*) as n from products p left join (select sku, sum(case when status_reason = 'BackorderHold' then 1 else 0 end) as b,
            sum(case when status_reason = 'PreorderHold' then 1 else 0 end) as r from order_lines where ${HELD} group by sku) h on h.sku = p.sku
          where p.held_backorder <> coalesce(h.b, 0) or p.held_preorder <> coalesce(h.r, 0)`,
  },
  {
    kind: 'status_seq',
    detail: "lines whose status_seq is not the id of their last status move's event",
    sql: `select count(*) as n from order_lines l left join (select line_id, max(id) as m from line_events where from_reason <> to_reason group by line_id) e
          on e.line_id = l.id where l.status_seq is distinct from e.m`,
  },
];

/**
 * @param {'sqlite' | 'postgres'} kind
 * @param {string} url
 * @returns {Promise<{ kind: string, count: number, detail: string }[]>}
 */
export async function checkInvariants(kind, url) {
  const sql = await openSql(kind, url);
  try {
    const problems = [];
    for (const check of CHECKS) {
      const rows = await sql.all(check.sql);
      const count = Number(rows[0].n);
      if (count !== 0) problems.push({ kind: check.kind, count, detail: check.detail });
    }
    return problems;
  } finally {
    await sql.close();
  }
}

/** Row counts of the tables a world fills. */
export async function countRows(kind, url, tables) {
  const sql = await openSql(kind, url);
  try {
    const out = {};
    for (const t of tables) out[t] = Number((await sql.all(`select count(*) as n from ${t}`))[0].n);
    return out;
  } finally {
    await sql.close();
  }
}
