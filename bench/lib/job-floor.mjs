/**
 * The logic-free floor of a `backorder` or `preorder` run (SPEC 10): only the writes a run over the held lines
 * makes, with nothing decided. Skus go in order, 20 to a transaction (about 2,000 held lines, the most a run's batch
 * takes; runs size their batches by the request thread's time, 100 ms on PostgreSQL and 15 ms on SQLite, so they may
 * commit more often than the floor), and each transaction reads the held lines of its skus and then, for every one
 * of them:
 *  - releases every other line to AwaitingFulfillment at the location it was promised at (half the lines, as the
 *    runs on the bench's worlds release); a backorder floor re-dates the others (their dates written as they
 *    were), a preorder floor moves them to BackorderHold (their dates kept, backordered now), so that, as in a
 *    preorder run, every line changes status;
 *  - writes one event per line (the events are the webhooks' outbox), the event's data shaped like Holdfast's;
 *  - updates the line: status reason, location, dates, version, and, for a move, the id of its event;
 *  - reserves the released quantities (one row per sku and location), takes the released lines' promises off the
 *    promised quantities (one row per sku, location and date), and moves each product's held counts and held
 *    version.
 * No availability, no priority order, no promise, no settings, no lease, no planner thread: what is left is what
 * the database takes to store a run's outcome, which a run cannot go below. One connection, with the settings
 * Holdfast's batches use (PostgreSQL: `synchronous_commit = off`, each batch's events and line updates in one
 * statement, lines found by their ctid; SQLite: WAL, synchronous NORMAL, the same cache).
 */
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

const SKUS_PER_BATCH = 20;
// Held lines as the service finds them: open (the partial index order_lines_open), with a held status.
const HELD = `settled_reason is null and status_reason in ('PreorderHold', 'BackorderHold')`;

/**
 * Runs the floor of a job's run on a database (a fresh copy of a seeded world); answers its duration and what it wrote.
 * @param {'sqlite' | 'postgres'} kind
 * @param {string} url
 * @param {'backorder' | 'preorder'} [job]
 * @returns {Promise<{ seconds: number, lines: number, released: number }>}
 */
export async function jobFloor(kind, url, job = 'backorder') {
  const store = kind === 'sqlite' ? sqliteFloor(url) : await postgresFloor(url);
  try {
    const skus = await store.skus();
    const runId = 'run_floor';
    const started = performance.now();
    let lines = 0;
    let released = 0;
    for (let i = 0; i < skus.length; i += SKUS_PER_BATCH) {
      const now = Date.now();
      const done = await store.batch(skus.slice(i, i + SKUS_PER_BATCH), (held) => {
        const out = held.map((l, k) => {
          const release = k % 2 === 0;
          const to = release ? 'AwaitingFulfillment' : job === 'preorder' ? 'BackorderHold' : l.status_reason;
          // A released line goes to the location it was promised at (an undated one to the first); a re-dated one stays.
          const location = release ? (l.location_id ?? 'L1') : l.location_id;
          const moved = to !== l.status_reason;
          // Holdfast's stored form (src/domain/order/event-data.ts): the line's state after, the placement before a
          // re-dating, the trigger; the run is the event's run_id.
          const placement = [location, l.inventory_availability_date, l.estimated_shipment_date];
          const data = JSON.stringify([
            ...placement, l.quantity, l.launch_date, moved && to === 'BackorderHold' ? now : l.backordered_at, l.version + 1,
            release || moved ? null : placement, { trigger: 'api' },
          ]);
          const type = release ? 'line.released' : moved ? 'line.backordered' : 'line.redated';
          return { line: l, release, moved, to, location, data, type, backorderedAt: moved && to === 'BackorderHold' ? now : null };
        });
        return { rows: out, now, runId };
      });
      lines += done.lines;
      released += done.released;
    }
    return { seconds: (performance.now() - started) / 1000, lines, released };
  } finally {
    await store.close();
  }
}

/**
 * Of a batch's outcome: the reserved quantity per (sku, location), the promises released lines give up per (sku,
 * location, date), and how each sku's counts of held lines move.
 */
function totals(rows) {
  const reserved = new Map();
  const promised = new Map();
  const held = new Map();
  const add = (map, key, quantity) => map.set(key, (map.get(key) ?? 0) + quantity);
  for (const r of rows) {
    const l = r.line;
    const counts = held.get(l.sku) ?? { backorder: 0, preorder: 0 };
    held.set(l.sku, counts);
    if (r.moved) {
      counts[l.status_reason === 'PreorderHold' ? 'preorder' : 'backorder']--;
      if (r.to === 'BackorderHold') counts.backorder++;
    }
    if (!r.release) continue;
    add(reserved, `${l.sku}\u0000${r.location}`, l.quantity);
    if (l.location_id !== null && l.inventory_availability_date !== null) add(promised, `${l.sku}\u0000${l.location_id}\u0000${l.inventory_availability_date}`, l.quantity);
  }
  const split = (map) => [...map].map(([key, quantity]) => [...key.split('\u0000'), quantity]);
  return {
    reserved: split(reserved).map(([sku, location, quantity]) => ({ sku, location, quantity })),
    promised: split(promised).map(([sku, location, date, quantity]) => ({ sku, location, date, quantity })),
    held: [...held].map(([sku, counts]) => ({ sku, ...counts })),
  };
}

/** The read of a batch's lines; `extra`: columns before them (PostgreSQL reads each row's ctid too). */
const lineRead = (extra = '') => `select ${extra}id, order_id, sku, quantity, version, status_reason, location_id, inventory_availability_date,
  estimated_shipment_date, launch_date, backordered_at
  from order_lines`;

function sqliteFloor(url) {
  const db = new BetterSqlite3(url, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  db.pragma('cache_size = -65536');
  const read = db.prepare(`${lineRead()} where sku in (select value from json_each(?)) and ${HELD} order by sku, id`);
  const event = db.prepare(`insert into line_events (order_id, line_id, sku, type, from_reason, to_reason, at, data, run_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const move = db.prepare(`update order_lines set status_reason = ?, location_id = ?, inventory_availability_date = ?, estimated_shipment_date = ?,
    backordered_at = coalesce(?, backordered_at), version = ?, status_seq = ? where sku = ? and id = ? and version = ?`);
  const redate = db.prepare(`update order_lines set location_id = ?, inventory_availability_date = ?, estimated_shipment_date = ?, version = ?
    where sku = ? and id = ? and version = ?`);
  const reserve = db.prepare('update stock set reserved = reserved + ?, updated_at = ? where sku = ? and location_id = ?');
  const unpromise = db.prepare('update promised_quantities set quantity = quantity - ? where sku = ? and location_id = ? and date = ?');
  const dropEmpty = db.prepare('delete from promised_quantities where sku = ? and location_id = ? and date = ? and quantity = 0');
  const bump = db.prepare('update products set held_version = held_version + 1, held_backorder = held_backorder + ?, held_preorder = held_preorder + ? where sku = ?');
  const batch = db.transaction((skus, decide) => {
    const { rows, now, runId } = decide(read.all(JSON.stringify(skus)));
    let released = 0;
    for (const r of rows) {
      const l = r.line;
      const eventId = event.run(l.order_id, l.id, l.sku, r.type, l.status_reason, r.to, now, r.data, runId).lastInsertRowid;
      const changed = r.moved
        ? move.run(r.to, r.location, l.inventory_availability_date, l.estimated_shipment_date, r.backorderedAt, l.version + 1, eventId, l.sku, l.id, l.version)
        : redate.run(r.location, l.inventory_availability_date, l.estimated_shipment_date, l.version + 1, l.sku, l.id, l.version);
      if (changed.changes !== 1) throw new Error(`the floor lost line ${l.id}`);
      if (r.release) released++;
    }
    const t = totals(rows);
    for (const s of t.reserved) reserve.run(s.quantity, now, s.sku, s.location);
    for (const p of t.promised) {
      unpromise.run(p.quantity, p.sku, p.location, p.date);
      dropEmpty.run(p.sku, p.location, p.date);
    }
    for (const p of t.held) bump.run(p.backorder, p.preorder, p.sku);
    return { lines: rows.length, released };
  });
  return {
    skus: async () => db.prepare('select sku from products order by sku').pluck().all(),
    batch: async (skus, decide) => batch(skus, decide),
    close: async () => db.close(),
  };
}

async function postgresFloor(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const q = (text, values) => client.query(text, values);
  return {
    skus: async () => (await q('select sku from products order by sku')).rows.map((r) => r.sku),
    async batch(skus, decide) {
      await q('begin');
      try {
        await q('set local synchronous_commit = off; set local enable_hashjoin = off; set local enable_mergejoin = off');
        const held = (await q(`${lineRead('ctid::text as tid, ')} where sku = any($1::text[]) and ${HELD} order by sku, id`, [skus])).rows;
        const { rows, now, runId } = decide(held.map((l) => ({ ...l, version: Number(l.version), quantity: Number(l.quantity), backordered_at: l.backordered_at === null ? null : Number(l.backordered_at) })));
        // As Holdfast writes a batch (src/store/dialect/postgres.ts, writePrepared): one statement, each column one
        // text parameter joined by U+001E, each line found by the ctid it was read with; the event takes its id from
        // the sequence, the line's order and sku from the row updated. No cheaper form of these writes is known here.
        // join writes a null as an empty string, which string_to_array reads back as null.
        const col = (f) => rows.map(f).join('\x1e');
        const updated = await q(
          `with v as (
             select v.*, nextval('line_events_id_seq') as eid
             from unnest(string_to_array($1, chr(30), ''), string_to_array($2, chr(30), '')::int[], string_to_array($3, chr(30), ''),
               string_to_array($4, chr(30), ''), string_to_array($5, chr(30), ''), string_to_array($6, chr(30), '')::bigint[],
               string_to_array($7, chr(30), ''), string_to_array($8, chr(30), ''), string_to_array($9, chr(30), '')::tid[],
               string_to_array($12, chr(30), ''), string_to_array($13, chr(30), ''))
               as v(id, ver, r, loc, f, bo, t, d, tid, iad, esd)
           ), u as (
             update order_lines l set status_reason = v.r, location_id = v.loc, inventory_availability_date = v.iad,
               estimated_shipment_date = v.esd, backordered_at = coalesce(v.bo, l.backordered_at), version = v.ver + 1,
               status_seq = case when v.r <> v.f then v.eid else l.status_seq end
             from v where l.ctid = v.tid and l.id = v.id and l.version = v.ver
             returning v.eid, l.order_id, l.id, l.sku, v.t, v.f, v.r, v.d
           ), e as (
             insert into line_events (id, order_id, line_id, sku, type, from_reason, to_reason, at, data, run_id)
             select eid, order_id, id, sku, t, f, r, $10::bigint, d, $11::text from u
             returning id
           )
           select count(*)::int as written from e`,
          [
            col((r) => r.line.id),
            col((r) => r.line.version),
            col((r) => r.to),
            col((r) => r.location),
            col((r) => r.line.status_reason),
            col((r) => r.backorderedAt),
            col((r) => r.type),
            col((r) => r.data),
            col((r) => r.line.tid),
            now,
            runId,
            col((r) => r.line.inventory_availability_date),
            col((r) => r.line.estimated_shipment_date),
          ],
        );
        if (updated.rows[0].written !== rows.length) throw new Error(`the floor updated ${updated.rows[0].written} of ${rows.length} lines`);
        const t = totals(rows);
        await q(
          `update stock s set reserved = s.reserved + v.q, updated_at = $4::bigint from unnest($1::text[], $2::text[], $3::bigint[]) as v(sku, loc, q)
           where s.sku = v.sku and s.location_id = v.loc`,
          [t.reserved.map((s) => s.sku), t.reserved.map((s) => s.location), t.reserved.map((s) => s.quantity), now],
        );
        const promised = [t.promised.map((p) => p.sku), t.promised.map((p) => p.location), t.promised.map((p) => p.date)];
        await q(
          `update promised_quantities p set quantity = p.quantity - v.q from unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) as v(sku, loc, d, q)
           where p.sku = v.sku and p.location_id = v.loc and p.date = v.d`,
          [...promised, t.promised.map((p) => p.quantity)],
        );
        await q(
          `delete from promised_quantities p using unnest($1::text[], $2::text[], $3::text[]) as v(sku, loc, d)
           where p.sku = v.sku and p.location_id = v.loc and p.date = v.d and p.quantity = 0`,
          promised,
        );
        await q(
          `update products p set held_version = p.held_version + 1, held_backorder = p.held_backorder + v.b, held_preorder = p.held_preorder + v.r
           from unnest($1::text[], $2::int[], $3::int[]) as v(sku, b, r) where p.sku = v.sku`,
          [t.held.map((p) => p.sku), t.held.map((p) => p.backorder), t.held.map((p) => p.preorder)],
        );
        await q('commit');
        return { lines: rows.length, released: rows.filter((r) => r.release).length };
      } catch (error) {
        await q('rollback').catch(() => undefined);
        throw error;
      }
    },
    close: () => client.end(),
  };
}
