/**
 * A plan crossing from the planner thread (src/app/jobs/plan-wire.ts): what the writer rebuilds from the flat form
 * writes exactly what the plan would have written, and each event's data arrives as the JSON the store keeps.
 */
import { describe, expect, it } from 'vitest';
import { fromWire, toWire } from '../../src/app/jobs/plan-wire.ts';
import { eventDataJson, moveLine, redateLine } from '../../src/domain/order/order-line.ts';
import type { LineChange, OrderLine } from '../../src/domain/order/order-line.ts';
import { eventDataText } from '../../src/domain/order/event-data.ts';
import type { JobOutcome } from '../../src/domain/holds/job-plan.ts';

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

describe('a plan as it crosses threads', () => {
  const context = { runId: 'run_1', trigger: 'manual' };
  const changes: LineChange[] = [
    change(moveLine(held(1), 'AwaitingFulfillment', 1_796_100_000_000, { placement: { locationId: 'WEST', inventoryAvailabilityDate: '2026-12-01', estimatedShipmentDate: '2026-12-02' }, context })),
    redateLine(held(2), { locationId: 'EAST', inventoryAvailabilityDate: '2026-12-20', estimatedShipmentDate: '2026-12-21' }, 1_796_100_000_001, context)!,
    change(moveLine(held(3), 'BackorderSlaExpired', 1_796_100_000_002, { context: { ...context, note: 'quote " and \u00e9' } })),
  ];
  const outcomes = new Map<string, JobOutcome>([['lin_1', 'movedToFulfillment'], ['lin_2', 'stillOnHold'], ['lin_3', 'canceled'], ['lin_4', 'stillOnHold']]);

  it('rebuilds every field a write reads, and the event data as the text the domain made', () => {
    const skipped = [['SKU-9', 4]] as const;
    const settles = [{ sku: 'SKU-1', stillOnHold: 2, validUntil: 1_796_200_000_000 }, { sku: 'SKU-2', stillOnHold: 0, validUntil: null }];
    const back = fromWire(structuredClone(toWire({ plan: { changes, outcomes }, now: 42, digest: 'd', skipped, settles })));
    expect(back.now).toBe(42);
    expect(back.digest).toBe('d');
    expect(back.skipped).toEqual(skipped);
    expect(back.settles).toEqual(settles);
    expect(back.plan.changes.map(written)).toEqual(changes.map(written));
    for (const [i, c] of back.plan.changes.entries()) {
      expect(eventDataJson(c.event)).toBe(eventDataText(changes[i]!.event.data));
      expect(c.event.data).toEqual(changes[i]!.event.data);
    }
    expect([...back.plan.outcomes]).toEqual([...outcomes]);
    const rowRef = (l: OrderLine) => (l as { rowRef?: string }).rowRef;
    expect(back.plan.changes.map((c) => rowRef(c.before))).toEqual(['(1,1)', '(2,1)', undefined]);
  });

  it('keeps only what the write needs of a line', () => {
    const back = fromWire(toWire({ plan: { changes, outcomes }, now: 1, digest: '', skipped: [], settles: [] }));
    expect(Object.keys(back.plan.changes[0]!.before).sort()).toEqual([...Object.keys(pick(changes[0]!.before)), 'rowRef'].sort());
  });

  it('carries an empty plan', () => {
    const back = fromWire(toWire({ plan: { changes: [], outcomes: new Map() }, now: 1, digest: 'x', skipped: [], settles: [] }));
    expect(back.plan.changes).toEqual([]);
    expect(back.plan.outcomes.size).toBe(0);
  });
});
