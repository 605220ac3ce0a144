#!/usr/bin/env node
/**
 * The logic-free floor of the ATP query (SPEC 10's earliest-date bar): Fastify doing only the reads of one
 * `GET /api/atp?sku=&locationId=&quantity=` and writing an answer of the same shape and size. It reads the
 * (sku, location)'s stock row, its scheduled changes in the horizon summed by day and its promised quantities, in
 * one snapshot (one statement on PostgreSQL, three synchronous ones on SQLite), and answers the per-day table over
 * the horizon with the earliest day that covers the quantity. No key check, no validation, no settings, product or
 * location lookups, no time zone: what is left is the cost of HTTP, JSON and the reads, which Holdfast's answer
 * cannot go below on the same machine. It runs on a copy of the database Holdfast is measured on.
 *
 * With ATP_FLOOR_READS=none it reads nothing of the world: on PostgreSQL each answer waits for one `select $1` (a
 * round trip and nothing else), on SQLite for no statement at all, and answers the same table with no supply. That is
 * the latency of HTTP plus one round trip on this machine, which no server that asks PostgreSQL per answer can beat.
 * With ATP_FLOOR_READS=http it asks the database nothing, on either: the latency of HTTP and the answer alone, which
 * no server can beat here (what Holdfast answering from memory on PostgreSQL is compared with).
 *
 *   DATABASE_URL=<sqlite file | postgres url> PORT=3100 [ATP_FLOOR_READS=none|http] node bench/atp-floor-server.mjs
 */
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';

const HORIZON = Number(process.env.HORIZON_DAYS ?? 90);
const DAY_MS = 86_400_000;
const url = process.env.DATABASE_URL ?? '';
const dayOf = (ms) => new Date(ms).toISOString().slice(0, 10);
const asksNothing = process.env.ATP_FLOOR_READS === 'http';
const readsNothing = process.env.ATP_FLOOR_READS === 'none' || asksNothing;
const nothing = { onHand: 0, reserved: 0, scheduled: [], promised: [] };

/** Reads { onHand, reserved, scheduled: [date, q][], promised: [date, q][] } for one (sku, location) and window. */
let read;
let close;
if (/^postgres(ql)?:\/\//.test(url)) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const text = `select (select json_build_array(on_hand, reserved) from stock where sku = $1 and location_id = $2) as stock,
    (select json_agg(json_build_array(date, q)) from (select date, sum(quantity) as q from schedule_entries
      where sku = $1 and location_id = $2 and date > $3 and date <= $4 group by date) s) as scheduled,
    (select json_agg(json_build_array(date, quantity)) from promised_quantities where sku = $1 and location_id = $2) as promised`;
  read = async (sku, locationId, after, until) => {
    if (asksNothing) return nothing;
    if (readsNothing) {
      await pool.query({ name: 'atp_floor_round_trip', text: 'select $1::text as sku', values: [sku] });
      return nothing;
    }
    const row = (await pool.query({ name: 'atp_floor', text, values: [sku, locationId, after, until] })).rows[0];
    return { onHand: row.stock?.[0] ?? 0, reserved: row.stock?.[1] ?? 0, scheduled: row.scheduled ?? [], promised: row.promised ?? [] };
  };
  close = () => pool.end();
} else {
  const db = new BetterSqlite3(url, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma('cache_size = -65536');
  const stock = db.prepare('select on_hand, reserved from stock where sku = ? and location_id = ?').raw();
  const scheduled = db.prepare('select date, sum(quantity) from schedule_entries where sku = ? and location_id = ? and date > ? and date <= ? group by date').raw();
  const promised = db.prepare('select date, quantity from promised_quantities where sku = ? and location_id = ?').raw();
  read = async (sku, locationId, after, until) => {
    if (readsNothing) return nothing;
    const s = stock.get(sku, locationId);
    return { onHand: s?.[0] ?? 0, reserved: s?.[1] ?? 0, scheduled: scheduled.all(sku, locationId, after, until), promised: promised.all(sku, locationId) };
  };
  close = async () => db.close();
}

/** The day of a date in the window, 0 = today (dates before today count on day 0). */
const dayIndex = (date, todayMs) => Math.max(0, Math.round((Date.parse(`${date}T00:00:00Z`) - todayMs) / DAY_MS));

const app = Fastify({ logger: false });
app.get('/health', async () => ({ status: 'ok' }));
app.get('/api/atp', async (req, reply) => {
  const { sku, locationId } = req.query;
  const quantity = Number(req.query.quantity ?? 1);
  const todayMs = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const today = dayOf(todayMs);
  const rows = await read(sku, locationId, today, dayOf(todayMs + HORIZON * DAY_MS));
  const supply = new Array(HORIZON + 1).fill(0);
  const demand = new Array(HORIZON + 1).fill(0);
  supply[0] = rows.onHand - rows.reserved;
  for (const [date, q] of rows.scheduled) supply[dayIndex(date, todayMs)] += Number(q);
  for (const [date, q] of rows.promised) {
    const day = dayIndex(date, todayMs);
    if (day <= HORIZON) demand[day] += Number(q);
  }
  const days = new Array(HORIZON + 1);
  let projected = 0;
  for (let t = 0; t <= HORIZON; t++) {
    projected += supply[t] - demand[t];
    days[t] = { date: dayOf(todayMs + t * DAY_MS), supply: supply[t], demand: demand[t], projected, atp: projected };
  }
  let earliest = null;
  for (let t = HORIZON, min = Infinity; t >= 0; t--) {
    min = Math.min(min, days[t].projected);
    days[t].atp = min;
    if (min >= quantity) earliest = days[t].date;
  }
  const answer = { sku, locationId, quantity, today, horizonDays: HORIZON, earliestDate: earliest, days };
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(answer));
});

const stop = async () => {
  await app.close();
  await close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

await app.listen({ port: Number(process.env.PORT ?? 3100), host: process.env.HOST ?? '127.0.0.1' });
process.stdout.write(`atp floor listening on ${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? 3100}\n`);
