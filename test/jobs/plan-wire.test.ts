/**
 * A plan crossing from the planner thread (src/app/jobs/plan-wire.ts): what the writer rebuilds from the flat form
 * writes exactly what the plan would have written, and each event's data arrives as the JSON the store keeps.
 */
import { describe, expect, it } from 'vitest';
import { fromWire, toWire } from '../../src/app/jobs/plan-wire.ts';
import { eventDataJson, moveLine, redateLine } from '../../src/domain/order/order-line.ts';
import type { LineChange, OrderLine } from '../../src/domain/order/order-line.ts';
import { eventDataText, parseEventData } from '../../src/domain/order/event-data.ts';
import { batchWriteOf } from '../../src/app/jobs/job-batch.ts';
import type { PlannedBatch } from '../../src/app/jobs/job-batch.ts';
import { ZERO_COUNTS } from '../../src/app/jobs/start-run.ts';
import { sqliteStore } from '../../src/store/dialect/sqlite.ts';
import { postgresStore } from '../../src/store/dialect/postgres.ts';
import type { StoreDialect } from '../../src/store/dialect/store-dialect.ts';

const held = (n: number): OrderLine & { priority: number; candidates: unknown[]; rowRef?: string } => ({
  id: `lin_${n}`,
  orderId: `ord_${n}`,
  lineNumber: n,
  sku: `SKU-${n % 3}`,
  quantity: 1 + (n % 4),
  locationId: n % 2 ? 'EAST' : null,
  statusReason: 'BackorderHold',
  inventoryAvailabilityDate: n % 2 ? '2026-12-09' : null,
  estimatedShipmentDate: n % 2 ? '2026-12-10' : null,
  launchDate: null,
  backorderedAt: 1_796_000_000_000 + n,
  version: 3 + n,
  // Fields the plan reads and the write does not: they need not cross.
  priority: 7,
  candidates: [{ locationId: 'EAST', handlingDays: 1 }],
  // Where the store read the row (PostgreSQL's ctid): the write goes to it. Lines not read so have none.
  ...(n % 3 ? { rowRef: `(${n},1)` } : {}),
});

function change(c: ReturnType<typeof moveLine>): LineChange {
  if (!c.ok) throw new Error('move not allowed');
  return c.change;
}

const written = (c: LineChange) => ({
  before: pick(c.before),
  after: pick(c.after),
  event: { lineId: c.event.lineId, orderId: c.event.orderId, type: c.event.type, from: c.event.from, to: c.event.to, at: c.event.at, data: c.event.data, json: eventDataJson(c.event) },
});
const pick = (l: OrderLine) => ({
  id: l.id, orderId: l.orderId, lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity, locationId: l.locationId, statusReason: l.statusReason,
  inventoryAvailabilityDate: l.inventoryAvailabilityDate, estimatedShipmentDate: l.estimatedShipmentDate, launchDate: l.launchDate, backorderedAt: l.backorderedAt, version: l.version,
});

// The two stores' preparation of a batch is plain computation: neither touches its database for it.
const sqlite = sqliteStore(() => {
  throw new Error('no statement expected');
}, (_db, read) => read());
const postgres = postgresStore({ query: () => Promise.reject(new Error('no statement expected')) });

describe('a plan as it crosses threads', () => {
  const context = { runId: 'run_1', trigger: 'manual' };
  const changes: LineChange[] = [
    change(moveLine(held(1), 'AwaitingFulfillment', 1_796_100_000_000, { placement: { locationId: 'WEST', inventoryAvailabilityDate: '2026-12-01', estimatedShipmentDate: '2026-12-02' }, context })),
    redateLine(held(2), { locationId: 'EAST', inventoryAvailabilityDate: '2026-12-20', estimatedShipmentDate: '2026-12-21' }, 1_796_100_000_001, context)!,
    change(moveLine(held(3), 'BackorderSlaExpired', 1_796_100_000_002, { context: { ...context, note: 'quote " and \u00e9' } })),
  ];
  const counts = { ...ZERO_COUNTS, movedToFulfillment: 1, stillOnHold: 2, canceled: 1 };
  const skipped = [['SKU-9', 4]] as const;
  const settles = [{ sku: 'SKU-1', stillOnHold: 2, validUntil: 1_796_200_000_000 }, { sku: 'SKU-2', stillOnHold: 0, validUntil: null }];
  const planned = (store: StoreDialect, of: readonly LineChange[] = changes): PlannedBatch => ({ counts, write: batchWriteOf(store, of), now: 42, digest: 'd', skipped, settles });
  const rowsOf = (p: PlannedBatch) => p.write.prepared.rows as LineChange[];

  it('rebuilds every field a write reads on SQLite, and the event data as the text the domain made', () => {
    const made = planned(sqlite);
    const back = fromWire(structuredClone(toWire(made, false)));
    expect(back.now).toBe(42);
    expect(back.digest).toBe('d');
    expect(back.counts).toEqual(counts);
    expect(back.skipped).toEqual(skipped);
    expect(back.settles).toEqual(settles);
    expect(rowsOf(back).map(written)).toEqual(rowsOf(made).map(written));
    for (const [i, c] of rowsOf(back).entries()) {
      expect(eventDataJson(c.event)).toBe(eventDataText(rowsOf(made)[i]!.event.data));
      expect(c.event.data).toEqual(rowsOf(made)[i]!.event.data);
    }
    const rowRef = (l: OrderLine) => (l as { rowRef?: string }).rowRef;
    expect(rowsOf(back).map((c) => [c.before.id, rowRef(c.before)]).sort()).toEqual([['lin_1', '(1,1)'], ['lin_2', '(2,1)'], ['lin_3', undefined]]);
    // What the write reserves, sums and counts crosses as the planner worked it out.
    expect({ ...back.write, prepared: { ...back.write.prepared, rows: null } }).toEqual({ ...made.write, prepared: { ...made.write.prepared, rows: null } });
    expect(back.write.released).toEqual([{ sku: 'SKU-1', locationId: 'WEST', quantity: 2 }]);
    expect(back.write.moves).toEqual([
      { from: 'BackorderHold', to: 'AwaitingFulfillment', count: 1 },
      { from: 'BackorderHold', to: 'BackorderHold', count: 1 },
      { from: 'BackorderHold', to: 'BackorderSlaExpired', count: 1 },
    ]);
  });

  it('carries PostgreSQL\'s prepared rows as they were made', () => {
    const made = planned(postgres);
    const wire = toWire(made, true);
    expect(wire.changes).toEqual([]);
    expect(fromWire(structuredClone(wire))).toEqual(made);
    // Every column is one string, in line id order; the ctids go with them only when every line has one.
    const rows = made.write.prepared.rows as { columns: string[]; rowRefs: string | null };
    expect(rows.columns.every((c) => typeof c === 'string')).toBe(true);
    expect(rows.columns[0]!.split('\x1e')).toEqual(['lin_1', 'lin_2', 'lin_3']);
    expect(rows.rowRefs).toBeNull();
    // Event data is JSON text, which writes a record separator escaped: the split gives each event's data whole.
    const odd = change(moveLine(held(4), 'CanceledByRequest', 1_796_100_000_003, { context: { note: 'a\u001eb,"c"' } }));
    const data = (planned(postgres, [...changes, odd]).write.prepared.rows as { columns: string[] }).columns[12]!.split('\x1e');
    expect(data.map((d) => parseEventData(d))).toEqual([...changes, odd].map((c) => c.event.data));
    const withRefs = planned(postgres, changes.slice(0, 2)).write.prepared.rows as { rowRefs: string | null };
    expect(withRefs.rowRefs!.split('\x1e')).toEqual(['(1,1)', '(2,1)']);
  });

  it('keeps only what the write needs of a line', () => {
    const back = fromWire(toWire(planned(sqlite), false));
    expect(Object.keys(rowsOf(back)[0]!.before).sort()).toEqual([...Object.keys(pick(changes[0]!.before)), 'rowRef'].sort());
  });

  it('carries an empty plan', () => {
    for (const [store, cross] of [[sqlite, false], [postgres, true]] as const) {
      const back = fromWire(toWire(planned(store, []), cross));
      expect(back.write.prepared.size).toBe(0);
      expect(back.write.released).toEqual([]);
      expect(back.write.moves).toEqual([]);
    }
  });
});
