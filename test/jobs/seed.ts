/**
 * Seeds many backordered lines straight into the tables, consistent with what intake would have written: each
 * line BackorderHold with backorderedAt = its order's orderedAt (or PreorderHold with its launch date), the order
 * fields copied onto it, version 1 and one event out of New. Stock and schedule entries make part of the demand fit, so a backorder run
 * has lines to release and lines to re-date. Deterministic for a given seed.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/tables/index.ts';
import { IdGenerator } from '../../src/app/ids.ts';
import { recountHeldLines } from '../../src/store/repositories/integrity.repository.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { DAY_MS, T0, addDays, setupWorld } from './job-helpers.ts';

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedOptions {
  readonly prefix: string;
  readonly skus: number;
  /** Lines per sku (each line in an order of 1-3 lines of different skus). */
  readonly linesPerSku: number;
  /** The clock at seeding: orders are placed in the minutes before it. */
  readonly now: number;
  readonly seed: number;
  /** On hand at EAST as a share of the sku's demand (0-1); WEST gets a smaller share. */
  readonly onHandShare?: number;
  /** Receipts per sku within the next 30 days (counted only with onHandChangeSchedule on). */
  readonly receiptsPerSku?: number;
  /** Fixed quantity for every line (else 1-5). */
  readonly quantity?: number;
  /**
   * Seed launched preorders instead: preorder-eligible products launching on this date (today or earlier) and
   * PreorderHold lines waiting for the preorder job.
   */
  readonly preorderLaunchDate?: string;
}

export interface Seeded {
  readonly skus: string[];
  readonly lines: number;
  readonly orders: number;
}

async function insertChunks<T extends keyof DB>(db: Kysely<DB>, table: T, rows: any[], size = 400): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await db.insertInto(table).values(rows.slice(i, i + size) as any).execute();
}

export async function seedBackorders(db: Kysely<DB>, o: SeedOptions): Promise<Seeded> {
  const rnd = prng(o.seed);
  const preorder = o.preorderLaunchDate !== undefined;
  const ids = new IdGenerator();
  const skus = Array.from({ length: o.skus }, (_, i) => `${o.prefix}-${String(i).padStart(5, '0')}`);
  await insertChunks(
    db,
    'products',
    skus.map((sku) => ({
      sku,
      name: sku,
      preorder_eligible: preorder ? 1 : 0,
      launch_date: o.preorderLaunchDate ?? null,
      allow_backorder: 1,
      created_at: o.now,
      updated_at: o.now,
    })),
  );

  // Slots: each sku appears linesPerSku times; shuffled, then cut into orders of 1-3 lines of distinct skus.
  const slots: string[] = skus.flatMap((s) => Array.from({ length: o.linesPerSku }, () => s));
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  const groups: string[][] = [];
  let current: string[] = [];
  let size = 1 + Math.floor(rnd() * 3);
  for (const s of slots) {
    if (current.length >= size || current.includes(s)) {
      groups.push(current);
      current = [];
      size = 1 + Math.floor(rnd() * 3);
    }
    current.push(s);
  }
  if (current.length) groups.push(current);

  const orders: any[] = [];
  const lines: any[] = [];
  const demand = new Map<string, number>();
  groups.forEach((group, k) => {
    const orderedAt = o.now - (groups.length - k) * 1_000;
    const id = ids.next('ord');
    const priority = rnd() < 0.7 ? 0 : Math.floor(rnd() * 10);
    orders.push({
      id,
      external_id: `${o.prefix}-order-${k}`,
      idempotency_key: null,
      request_hash: `seed-${k}`,
      channel: 'default',
      customer_id: null,
      ordered_at: orderedAt,
      priority,
      ship_country: null,
      ship_region: null,
      ship_postal_code: null,
    });
    group.forEach((sku, n) => {
      const quantity = o.quantity ?? 1 + Math.floor(rnd() * 5);
      demand.set(sku, (demand.get(sku) ?? 0) + quantity);
      lines.push({
        id: ids.next('lin'),
        order_id: id,
        line_number: n + 1,
        sku,
        quantity,
        location_id: null,
        status_reason: preorder ? 'PreorderHold' : 'BackorderHold',
        inventory_availability_date: null,
        estimated_shipment_date: null,
        launch_date: o.preorderLaunchDate ?? null,
        backordered_at: preorder ? null : orderedAt,
        version: 1,
        priority,
        ordered_at: orderedAt,
        channel: 'default',
        ship_country: null,
        ship_region: null,
      });
    });
  });
  await insertChunks(db, 'orders', orders);
  await insertChunks(db, 'order_lines', lines);
  await insertChunks(
    db,
    'line_events',
    lines.map((l) => ({
      order_id: l.order_id,
      line_id: l.id,
      sku: l.sku,
      type: preorder ? 'line.preordered' : 'line.backordered',
      from_reason: 'New',
      to_reason: l.status_reason,
      at: l.ordered_at,
      data: JSON.stringify({ locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null, quantity: l.quantity, trigger: 'seed' }),
    })),
  );
  // A line's status_seq is the id of the event that put it on hold (what a job run's scope compares).
  await sql`update order_lines set status_seq = e.id from line_events e where e.line_id = order_lines.id and order_lines.status_seq is null`.execute(db);
  await recountHeldLines(db);

  const share = o.onHandShare ?? 0.5;
  const stock: any[] = [];
  const receipts: any[] = [];
  const today = new Date(o.now).toISOString().slice(0, 10);
  for (const sku of skus) {
    const d = demand.get(sku) ?? 0;
    stock.push({ sku, location_id: 'EAST', on_hand: Math.floor(d * share * (0.5 + rnd())), reserved: 0, updated_at: o.now });
    stock.push({ sku, location_id: 'WEST', on_hand: Math.floor(d * share * 0.3 * rnd()), reserved: 0, updated_at: o.now });
    for (let r = 0; r < (o.receiptsPerSku ?? 0); r++) {
      receipts.push({
        sku,
        location_id: rnd() < 0.7 ? 'EAST' : 'WEST',
        date: addDays(today, 1 + Math.floor(rnd() * 30)),
        quantity: 1 + Math.floor(rnd() * Math.max(1, d / 2)),
        reference: `seed-${sku}-${r}`,
        created_at: o.now,
      });
    }
  }
  await insertChunks(db, 'stock', stock);
  if (receipts.length) await insertChunks(db, 'schedule_entries', receipts);
  return { skus, lines: lines.length, orders: orders.length };
}

/** A world with every kind of move: lines released, re-dated, kept, canceled by SLA; launched preorders. */
export async function seedMixedHolds(t: TestService): Promise<void> {
  await setupWorld(t, {
    products: {},
    settings: { onHandChangeSchedule: true, backorders: true, cancellationSlaDays: 3, atpHorizonDays: 30, jobs: { backorder: { onSupplyChange: false } } },
  });
  const db = t.service.database.db;
  const now = Date.parse(T0);
  // Old backorders (5 days: past the 3-day SLA), fresh ones, preorders launched today and preorders to come.
  await seedBackorders(db, { prefix: 'OLD', skus: 4, linesPerSku: 5, now: now - 5 * DAY_MS, seed: 3, onHandShare: 0.4, receiptsPerSku: 2 });
  await seedBackorders(db, { prefix: 'NEW', skus: 9, linesPerSku: 7, now: now - 60_000, seed: 11, onHandShare: 0.5, receiptsPerSku: 3 });
  await seedBackorders(db, { prefix: 'PRE', skus: 5, linesPerSku: 6, now: now - 60_000, seed: 5, onHandShare: 0.5, receiptsPerSku: 2, preorderLaunchDate: T0.slice(0, 10) });
  // Preorders launching in 10 days: both jobs re-date them, neither moves them.
  await seedBackorders(db, { prefix: 'FUT', skus: 3, linesPerSku: 4, now: now - 60_000, seed: 8, onHandShare: 0.5, receiptsPerSku: 2, preorderLaunchDate: '2028-06-11' });
}
