import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from './dialect-types.ts';

const HELD = sql.raw<boolean>(`status_reason in ('PreorderHold', 'BackorderHold')`);
/** Statuses a job run moves lines into or out of in bulk: the status list index leaves them out (see below). */
const BULK = sql.raw<boolean>(`status_reason not in ('PreorderHold', 'BackorderHold', 'AwaitingFulfillment')`);

/**
 * What scale needs. A job run walks skus in order and changes many lines of each; every index it must touch in a
 * random place costs a page write per line, so the rows a run writes are laid out by sku:
 *  - `promised_quantities`: what held lines are promised, summed per (sku, location, date), kept in the same
 *    transaction as every held line change, so intake and ATP read a sku's promises in time bounded by the horizon,
 *    not by the number of held lines;
 *  - `order_lines.status_seq`: the id of the event that moved a line into its status reason, so a job run's scope
 *    is what was committed when it started (event ids), not a comparison of two processes' clocks;
 *  - `line_events.run_id` (a run's records are its events, plus a `job_run_records` row only for a line it failed
 *    to write) and `line_events.sku`, with an index by (sku, line_id) instead of (order_id): an order's history is
 *    read through its lines;
 *  - on SQLite `order_lines` is clustered by (sku, id); the status list index covers only the statuses runs do not
 *    move lines in and out of (the held ones and AwaitingFulfillment are listed from the newest-first index);
 *  - indexes the jobs use, with the held statuses written as literals so the planner can use the partial ones.
 */
export function promises(dialect: SqlDialect) {
  const json = (path: string) => (dialect === 'postgres' ? sql.raw(`(data::jsonb ->> '${path}')`) : sql.raw(`json_extract(data, '$.${path}')`));
  return {
    async up(db: Kysely<any>): Promise<void> {
      let table = db.schema
        .createTable('promised_quantities')
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('location_id', 'text', (c) => c.notNull())
        .addColumn('date', 'text', (c) => c.notNull())
        .addColumn('quantity', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('promised_quantities_pk', ['sku', 'location_id', 'date']);
      if (dialect === 'sqlite') table = table.modifyEnd(sql`without rowid`);
      await table.execute();
      await sql`insert into promised_quantities (sku, location_id, date, quantity)
        select sku, location_id, inventory_availability_date, sum(quantity) from order_lines
        where ${HELD} and location_id is not null and inventory_availability_date is not null
        group by sku, location_id, inventory_availability_date`.execute(db);

      await db.schema.alterTable('line_events').addColumn('run_id', 'text').execute();
      await db.schema.alterTable('line_events').addColumn('sku', 'text').execute();
      await sql`update line_events set run_id = ${json('runId')}, sku = (select l.sku from order_lines l where l.id = line_events.line_id)`.execute(db);
      await db.schema.dropIndex('line_events_order').execute();
      await db.schema.createIndex('line_events_line').on('line_events').columns(['sku', 'line_id', 'id']).execute();
      await db.schema.createIndex('line_events_run').on('line_events').columns(['run_id', 'id']).where(sql.ref('run_id'), 'is not', null).execute();
      await db.deleteFrom('job_run_records').where('error', 'is', null).execute();

      if (dialect === 'sqlite') {
        await rebuildLinesBySku(db);
      } else {
        await db.schema.alterTable('order_lines').addColumn('status_seq', 'bigint').execute();
        for (const name of ['order_lines_sku', 'order_lines_reason', 'order_lines_held']) await db.schema.dropIndex(name).execute();
        // Room on each page for the new version of a re-dated line: its update stays on the page (HOT) and touches no index.
        await sql`alter table order_lines set (fillfactor = 85)`.execute(db);
      }
      await sql`update order_lines set status_seq = (select max(e.id) from line_events e where e.sku = order_lines.sku and e.line_id = order_lines.id and e.from_reason <> e.to_reason)`.execute(db);
      await db.schema.createIndex('order_lines_sku').on('order_lines').columns(['sku', 'ordered_at', 'id']).execute();
      await db.schema.createIndex('order_lines_reason').on('order_lines').columns(['status_reason', 'ordered_at', 'id']).where(BULK).execute();
      await db.schema.createIndex('order_lines_held').on('order_lines').columns(['sku', 'status_reason']).where(HELD).execute();
    },
  };
}

/** SQLite: the same table, its rows kept in (sku, id) order; lookups by id go through a unique index. */
async function rebuildLinesBySku(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('order_lines_by_sku')
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull().references('products.sku'))
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity >= 1`))
    .addColumn('location_id', 'text')
    .addColumn('status_reason', 'text', (c) => c.notNull())
    .addColumn('inventory_availability_date', 'text')
    .addColumn('estimated_shipment_date', 'text')
    .addColumn('launch_date', 'text')
    .addColumn('backordered_at', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('ordered_at', 'bigint', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('ship_country', 'text')
    .addColumn('ship_region', 'text')
    .addColumn('status_seq', 'bigint')
    .addPrimaryKeyConstraint('order_lines_pk', ['sku', 'id'])
    .addUniqueConstraint('order_lines_number', ['order_id', 'line_number'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await sql`insert into order_lines_by_sku (id, order_id, line_number, sku, quantity, location_id, status_reason, inventory_availability_date,
      estimated_shipment_date, launch_date, backordered_at, version, priority, ordered_at, channel, ship_country, ship_region)
    select id, order_id, line_number, sku, quantity, location_id, status_reason, inventory_availability_date,
      estimated_shipment_date, launch_date, backordered_at, version, priority, ordered_at, channel, ship_country, ship_region
    from order_lines`.execute(db);
  await db.schema.dropTable('order_lines').execute();
  await sql`alter table order_lines_by_sku rename to order_lines`.execute(db);
  await db.schema.createIndex('order_lines_newest').on('order_lines').columns(['ordered_at', 'id']).execute();
}
