#!/usr/bin/env node
/**
 * The logic-free floor of intake (SPEC 10): Fastify + better-sqlite3 doing only the writes of an intake that
 * releases every line of an order at one location, one transaction per order: the order, its lines (released,
 * with the location and dates), one event per line (the webhooks' outbox), and the stock reservation per line. No key
 * check, no validation, no availability check, no policy: what is left is the cost of HTTP, JSON and the writes,
 * which Holdfast's intake cannot go below. It runs on a database with Holdfast's own schema and data (a copy of the
 * one Holdfast is measured on), with the pragmas Holdfast opens SQLite with for durability and caching (WAL,
 * synchronous NORMAL, foreign keys, busy timeout, cache size); it checkpoints as SQLite does by default, on its
 * commits, where Holdfast checkpoints from a thread of its own and keeps savepoint pages in memory (`temp_store`).
 *
 *   DATABASE_URL=<sqlite file> PORT=3100 node bench/floor-server.mjs
 *
 * POST /api/orders takes Holdfast's intake body ({ externalId, lines: [{ sku, quantity }] }) and answers 201 with
 * the order and its lines; GET /health answers 200.
 */
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';

const db = new BetterSqlite3(process.env.DATABASE_URL, { fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 10000');
db.pragma('cache_size = -65536');

const location = db.prepare('select id, handling_days from locations where active = 1 order by priority, id limit 1').get();
if (!location) throw new Error('the floor needs a location in the database');

const insertOrder = db.prepare(`insert into orders (id, external_id, idempotency_key, request_hash, channel, customer_id, ordered_at, priority,
  ship_country, ship_region, ship_postal_code) values (?, ?, null, '', 'default', null, ?, 0, null, null, null)`);
const insertEvent = db.prepare(`insert into line_events (order_id, line_id, sku, type, from_reason, to_reason, at, data, run_id)
  values (?, ?, ?, 'line.released', 'New', 'AwaitingFulfillment', ?, ?, null)`);
const insertLine = db.prepare(`insert into order_lines (id, order_id, line_number, sku, quantity, location_id, status_reason, inventory_availability_date,
  estimated_shipment_date, launch_date, backordered_at, version, priority, ordered_at, channel, ship_country, ship_region, status_seq)
  values (?, ?, ?, ?, ?, ?, 'AwaitingFulfillment', ?, ?, null, null, 1, 0, ?, 'default', null, null, ?)`);
const reserve = db.prepare('update stock set reserved = reserved + ?, updated_at = ? where sku = ? and location_id = ?');

let counter = 0;
const nextId = (prefix) => `${prefix}_${Date.now().toString(32).toUpperCase().padStart(10, '0')}${(counter++).toString(32).padStart(6, '0')}${randomBytes(5).toString('hex')}`;
const dayOf = (ms) => new Date(ms).toISOString().slice(0, 10);

/** One order in one transaction: every write an intake that releases its lines makes. */
const place = db.transaction((body) => {
  const now = Date.now();
  const today = dayOf(now);
  const shipDate = dayOf(now + location.handling_days * 86_400_000);
  const orderId = nextId('ord');
  insertOrder.run(orderId, body.externalId, now);
  const lines = body.lines.map((l, i) => {
    const line = {
      id: nextId('lin'),
      orderId,
      lineNumber: l.lineNumber ?? i + 1,
      sku: l.sku,
      quantity: l.quantity,
      locationId: location.id,
      state: 'InFulfillment',
      statusReason: 'AwaitingFulfillment',
      inventoryAvailabilityDate: today,
      estimatedShipmentDate: shipDate,
      launchDate: null,
      backorderedAt: null,
      version: 1,
    };
    reserve.run(line.quantity, now, line.sku, line.locationId);
    // Holdfast's stored form of an event's data (src/domain/order/event-data.ts).
    const data = JSON.stringify([line.locationId, today, shipDate, line.quantity, null, null, 1, null, { trigger: 'intake' }]);
    const eventId = insertEvent.run(orderId, line.id, line.sku, now, data).lastInsertRowid;
    insertLine.run(line.id, orderId, line.lineNumber, line.sku, line.quantity, line.locationId, today, shipDate, now, eventId);
    return line;
  });
  return { id: orderId, externalId: body.externalId, channel: 'default', customerId: null, orderedAt: new Date(now).toISOString(), priority: 0, status: 'InFulfillment', lines };
});

const app = Fastify({ logger: false });
app.get('/health', async () => ({ status: 'ok' }));
app.post('/api/orders', async (req, reply) => reply.code(201).send(place.immediate(req.body)));

const stop = async () => {
  await app.close();
  db.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

await app.listen({ port: Number(process.env.PORT ?? 3100), host: process.env.HOST ?? '127.0.0.1' });
process.stdout.write(`floor listening on ${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? 3100}\n`);
