/**
 * Property tests over random worlds (the generators of the promising and job tests), through the HTTP API on each
 * database: for every held line, `GET /api/order-lines/{id}/promise` gives `next` equal to the record a dry run of
 * its job gives it (or its stored state when the dry run leaves it alone) and to what the real run then writes;
 * each location's `earliestDate` is the earliest date recomputed from its own `days`; the dry runs change no row
 * (a full dump before and after); and the real run that follows has the dry run's counts and records.
 *
 * A world is written straight into the tables, as intake and earlier runs would have left it: held lines with
 * random priorities, ties, launch dates, stored (possibly stale) promises and backorder ages; a policy rule per
 * line giving its candidate locations (an inactive location stands for none); stock, with a shortage as a released
 * line reserving more than is on hand; receipts before, inside and after the horizon, issues among them.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { dumpDatabase } from '../fixtures/dump.ts';
import { arbJobCase, modelJobLines } from '../../src/domain/holds/holds-model.test-support.ts';
import type { JobCase } from '../../src/domain/holds/holds-model.test-support.ts';
import { modelDate } from '../../src/domain/atp/atp-model.test-support.ts';
import { supplyKey } from '../../src/domain/atp/atp-arbitraries.test-support.ts';
import { T0, ok, runDetails } from './job-helpers.ts';
import { recountHeldLines } from '../../src/store/repositories/integrity.repository.ts';

const LOCATION_IDS = ['EAST', 'WEST', 'NORTH', 'n2', 'N10'];
const OFF = 'ZZ-OFF';
const WIPE = ['integrity_repairs', 'job_run_records', 'job_runs', 'job_leases', 'line_events', 'promised_quantities', 'order_lines', 'orders', 'schedule_entries', 'stock'];
const COUNTS = ['processed', 'movedToFulfillment', 'movedToBackorder', 'stillOnHold', 'canceled', 'failedRecords'] as const;
const byLine = (records: any[]) => [...records].sort((a, b) => (a.lineId < b.lineId ? -1 : 1));
const countsOf = (run: any) => Object.fromEntries(COUNTS.map((k) => [k, run[k]]));
const iso = (ms: number) => new Date(ms).toISOString();

/** Writes the case's world into the (wiped) database; answers the ids of its held lines. */
async function loadWorld(t: TestService, c: JobCase): Promise<string[]> {
  const db = t.service.database.db as unknown as Kysely<any>;
  const { world } = c;
  for (const table of WIPE) await db.deleteFrom(table).execute();
  await t.setClock(iso(c.now));
  for (const id of [...LOCATION_IDS, OFF]) {
    const l = world.locations.find((x) => x.id === id);
    await ok(t, 'PUT', `/api/locations/${id}`, { name: id, priority: l?.priority ?? 9, handlingDays: l?.handlingDays ?? 0, active: l !== undefined });
  }
  const lines = modelJobLines(c);
  for (const sku of world.skus) {
    const first = c.extras.find((e) => e.line.sku === sku);
    await ok(t, 'PUT', `/api/products/${sku}`, { name: sku, allowBackorder: first?.allowBackorder ?? true });
  }
  await ok(t, 'PATCH', '/api/settings', {
    onHandChangeSchedule: world.horizon > 0,
    atpHorizonDays: Math.max(1, world.horizon),
    backorders: c.backorders,
    cancellationSlaDays: c.sla,
    timeZone: 'UTC',
    jobs: { backorder: { onSupplyChange: false } },
  });
  await ok(t, 'PUT', '/api/policies', {
    rules: lines.map((l, i) => ({ name: `line-${i}`, match: { region: [`r${i}`] }, locationIds: l.candidates.length ? l.candidates.map((x) => x.locationId) : [OFF] })),
  });

  const today = world.today;
  const orders = new Map<string, { priority: number; orderedAt: number }>();
  for (const l of lines) orders.set(l.orderId, { priority: l.priority, orderedAt: l.orderedAt });
  const rows: any[] = lines.map((l, i) => ({
    id: `${l.orderId}-${l.lineNumber}`,
    order_id: l.orderId,
    line_number: l.lineNumber,
    sku: l.sku,
    quantity: l.quantity,
    location_id: l.placement.locationId,
    status_reason: l.statusReason,
    inventory_availability_date: l.placement.inventoryAvailabilityDate,
    estimated_shipment_date: l.placement.estimatedShipmentDate,
    launch_date: l.launchDate,
    backordered_at: l.backorderedAt,
    version: 1,
    priority: l.priority,
    ordered_at: l.orderedAt,
    channel: 'web',
    ship_country: null,
    ship_region: `r${i}`,
  }));
  // A shortage: a released line reserving more than is on hand.
  const stock: any[] = [];
  for (const sku of world.skus) {
    for (const loc of world.locations) {
      const available = world.supply.get(supplyKey(sku, loc.id))!.available;
      stock.push({ sku, location_id: loc.id, on_hand: Math.max(0, available), reserved: Math.max(0, -available), updated_at: c.now });
      if (available >= 0) continue;
      const orderId = `rel_${sku}_${loc.id}`;
      orders.set(orderId, { priority: 0, orderedAt: c.now - 60_000 });
      rows.push({
        id: `${orderId}-1`,
        order_id: orderId,
        line_number: 1,
        sku,
        quantity: -available,
        location_id: loc.id,
        status_reason: 'AwaitingFulfillment',
        inventory_availability_date: today,
        estimated_shipment_date: modelDate(world.todayNumber + loc.handlingDays),
        launch_date: null,
        backordered_at: null,
        version: 1,
        priority: 0,
        ordered_at: c.now - 60_000,
        channel: 'web',
        ship_country: null,
        ship_region: null,
      });
    }
  }
  if (orders.size) {
    await db
      .insertInto('orders')
      .values([...orders].map(([id, o]) => ({ id, external_id: id, idempotency_key: null, request_hash: id, channel: 'web', customer_id: null, ordered_at: o.orderedAt, priority: o.priority, ship_country: null, ship_region: null, ship_postal_code: null })))
      .execute();
  }
  if (rows.length) {
    await db.insertInto('order_lines').values(rows).execute();
    await db
      .insertInto('line_events')
      .values(rows.map((r) => ({ order_id: r.order_id, line_id: r.id, sku: r.sku, type: 'line.backordered', from_reason: 'New', to_reason: r.status_reason, at: r.ordered_at, data: '{}', run_id: null })))
      .execute();
    await sql`update order_lines set status_seq = (select max(e.id) from line_events e where e.line_id = order_lines.id)`.execute(db);
  }
  // Straight into the tables, as no writer of the service would: the products' counts of held lines are counted after.
  await recountHeldLines(db);
  if (stock.length) await db.insertInto('stock').values(stock).execute();
  const promised = new Map<string, number>();
  for (const r of rows) {
    if (r.status_reason === 'AwaitingFulfillment' || r.location_id === null || r.inventory_availability_date === null) continue;
    const k = JSON.stringify([r.sku, r.location_id, r.inventory_availability_date]);
    promised.set(k, (promised.get(k) ?? 0) + r.quantity);
  }
  if (promised.size) {
    await db
      .insertInto('promised_quantities')
      .values([...promised].map(([k, quantity]) => {
        const [sku, location_id, date] = JSON.parse(k);
        return { sku, location_id, date, quantity };
      }))
      .execute();
  }
  const receipts = world.skus.flatMap((sku) =>
    world.locations.flatMap((loc) =>
      world.supply.get(supplyKey(sku, loc.id))!.receipts.map((r, k) => ({
        sku,
        location_id: loc.id,
        date: modelDate(world.todayNumber + r.day),
        quantity: r.quantity,
        reference: `PO-${loc.id}-${k}`,
        created_at: c.now,
      })),
    ),
  );
  if (receipts.length) await db.insertInto('schedule_entries').values(receipts).execute();
  return rows.filter((r) => r.status_reason !== 'AwaitingFulfillment').map((r) => r.id);
}

/** The earliest date a table covers a quantity: the first day, not before launch, whose ATP covers it. */
function earliestFromDays(days: { date: string; atp: number }[], quantity: number, notBefore: string): string | null {
  return days.find((d) => d.date >= notBefore && d.atp >= quantity)?.date ?? null;
}

describe.each(DATABASE_KINDS)('line promises, dry runs and runs agree on %s', (kind) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
  });
  afterAll(async () => t?.close());

  it('next = the dry run record = what the run writes; earliestDate from its own days; dry runs write nothing', async () => {
    const db = t.service.database.db as unknown as Kysely<any>;
    await fc.assert(
      fc.asyncProperty(arbJobCase, fc.constantFrom<'backorder' | 'preorder'>('backorder', 'preorder'), async (c, job) => {
        const heldIds = await loadWorld(t, c);
        const explained = new Map<string, any>();
        for (const id of heldIds) {
          const r = await t.api('GET', `/api/order-lines/${id}/promise`);
          expect(r.status, r.text).toBe(200);
          const p = r.body;
          explained.set(id, p);
          expect(p.today).toBe(c.world.today);
          expect(p.explanation).toMatch(/^[^.]+\.( [^.]+\.)?$/);
          const notBefore = p.launchDate !== null && p.launchDate > p.today ? p.launchDate : p.today;
          for (const loc of p.locations) {
            expect(loc.days).toHaveLength(c.world.horizon + 1);
            expect(loc.earliestDate, `${id} at ${loc.locationId}`).toBe(earliestFromDays(loc.days, p.quantity, notBefore));
          }
          // Where the next run puts a line it keeps on hold is the earliest of its candidates (first on a tie).
          if (p.next.statusReason === p.statusReason && p.next.locationId !== null) {
            const best = p.locations.filter((l: any) => l.earliestDate !== null).sort((a: any, b: any) => (a.earliestDate < b.earliestDate ? -1 : a.earliestDate > b.earliestDate ? 1 : 0))[0];
            expect(p.next).toMatchObject({ locationId: best.locationId, inventoryAvailabilityDate: best.earliestDate });
          }
        }

        const before = await dumpDatabase(db, kind);
        const dry: Record<string, any> = {};
        for (const type of ['backorder', 'preorder']) {
          const r = await t.api('POST', `/api/jobs/${type}/runs?dryRun=true`);
          expect(r.status, r.text).toBe(200);
          dry[type] = r.body;
        }
        expect(await dumpDatabase(db, kind), 'the dry runs change no row').toEqual(before);

        for (const [id, p] of explained) {
          const record = dry[p.next.jobType].records.find((r: any) => r.lineId === id);
          const expected = record
            ? { statusReason: record.to, locationId: record.locationId, inventoryAvailabilityDate: record.inventoryAvailabilityDate, estimatedShipmentDate: record.estimatedShipmentDate }
            : { statusReason: p.statusReason, ...p.stored };
          expect({ ...p.next, jobType: undefined }, `line ${id}`).toEqual({ ...expected, jobType: undefined });
        }

        const r = await t.api('POST', `/api/jobs/${job}/runs?wait=true`);
        expect(r.status, r.text).toBe(200);
        expect(r.body.status).toBe('succeeded');
        const { records } = await runDetails(t, r.body.id, 500);
        expect(countsOf(r.body)).toEqual(countsOf(dry[job]));
        expect(byLine(records)).toEqual(byLine(dry[job].records));

        const after = await db.selectFrom('order_lines').selectAll().where('id', 'in', heldIds.length ? heldIds : ['-']).execute();
        for (const row of after) {
          const p = explained.get(row.id);
          if (p.next.jobType !== job) continue;
          expect(
            { statusReason: row.status_reason, locationId: row.location_id, inventoryAvailabilityDate: row.inventory_availability_date, estimatedShipmentDate: row.estimated_shipment_date },
            `line ${row.id} after the ${job} run`,
          ).toEqual({ statusReason: p.next.statusReason, locationId: p.next.locationId, inventoryAvailabilityDate: p.next.inventoryAvailabilityDate, estimatedShipmentDate: p.next.estimatedShipmentDate });
        }
      }),
      { numRuns: kind === 'sqlite' ? 100 : 50 },
    );
  });
});
