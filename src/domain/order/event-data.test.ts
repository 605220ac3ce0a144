import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventDataText, parseEventData } from './event-data.ts';
import { moveLine, redateLine } from './order-line.ts';
import type { OrderLine } from './order-line.ts';
import { STATUS_REASONS } from './line-status.ts';

const AT = Date.parse('2028-06-01T10:00:00Z');
const held: OrderLine = {
  id: 'line_1',
  orderId: 'ord_1',
  lineNumber: 1,
  sku: 'KB-1',
  quantity: 2,
  locationId: 'EAST',
  statusReason: 'BackorderHold',
  inventoryAvailabilityDate: '2028-06-04',
  estimatedShipmentDate: '2028-06-05',
  launchDate: null,
  backorderedAt: AT - 1000,
  version: 3,
};

/** The text and the object it gives back, with the fields in the same order. */
const roundTrip = (data: Record<string, unknown>) => {
  const text = eventDataText(data);
  const back = parseEventData(text);
  return { text, back, sameOrder: JSON.stringify(back) === JSON.stringify(data) };
};

describe('event data as stored', () => {
  it('writes a release by position, without its field names, and reads it back whole', () => {
    const moved = moveLine(held, 'AwaitingFulfillment', AT, { context: { trigger: 'manual' } });
    if (!moved.ok) throw new Error('move refused');
    const { text, back, sameOrder } = roundTrip({ ...moved.change.event.data });
    expect(text).toBe('["EAST","2028-06-04","2028-06-05",2,null,' + (AT - 1000) + ',4,null,{"trigger":"manual"}]');
    expect(back).toEqual(moved.change.event.data);
    expect(sameOrder).toBe(true);
    expect(text.length).toBeLessThan(JSON.stringify(moved.change.event.data).length / 2);
  });

  it('keeps the placement before a re-dating', () => {
    const change = redateLine(held, { locationId: 'WEST', inventoryAvailabilityDate: '2028-06-09', estimatedShipmentDate: '2028-06-11' }, AT, { trigger: 'supply' });
    const data = { ...change!.event.data };
    const { text, back, sameOrder } = roundTrip(data);
    expect(JSON.parse(text)).toEqual(['WEST', '2028-06-09', '2028-06-11', 2, null, AT - 1000, 4, ['EAST', '2028-06-04', '2028-06-05'], { trigger: 'supply' }]);
    expect(back.previous).toEqual({ locationId: 'EAST', inventoryAvailabilityDate: '2028-06-04', estimatedShipmentDate: '2028-06-05' });
    expect(sameOrder).toBe(true);
  });

  it('leaves out the context when there is none', () => {
    const moved = moveLine(held, 'BackorderSlaExpired', AT);
    if (!moved.ok) throw new Error('move refused');
    const { text, sameOrder } = roundTrip({ ...moved.change.event.data });
    expect(JSON.parse(text)).toHaveLength(8);
    expect(sameOrder).toBe(true);
  });

  it('writes data of any other shape as an object, and reads the object form as it is', () => {
    for (const data of [
      {},
      { note: 'x' },
      { locationId: 'EAST', inventoryAvailabilityDate: null },
      // The state fields in another order, a field left undefined, a placement before of another shape.
      { version: 1, locationId: 'EAST', inventoryAvailabilityDate: null, estimatedShipmentDate: null, quantity: 1, launchDate: null, backorderedAt: null },
      { locationId: 'EAST', inventoryAvailabilityDate: null, estimatedShipmentDate: null, quantity: 1, launchDate: null, backorderedAt: undefined, version: 1 },
      { locationId: 'E', inventoryAvailabilityDate: null, estimatedShipmentDate: null, quantity: 1, launchDate: null, backorderedAt: null, version: 1, previous: { locationId: 'W' } },
    ]) {
      const text = eventDataText(data);
      expect(text).toBe(JSON.stringify(data));
      expect(parseEventData(text)).toEqual(JSON.parse(JSON.stringify(data)));
    }
    // Events written before the positional form.
    const old = '{"locationId":"EAST","inventoryAvailabilityDate":"2028-06-04","estimatedShipmentDate":"2028-06-05","quantity":2,"launchDate":null,"backorderedAt":null,"version":2,"runId":"r1","trigger":"manual"}';
    expect(parseEventData(old)).toEqual(JSON.parse(old));
  });

  it('gives back every move and re-dating it wrote, fields in order', () => {
    const date = fc.option(fc.integer({ min: 0, max: 400 }).map((d) => new Date(Date.UTC(2028, 0, 1 + d)).toISOString().slice(0, 10)));
    const placement = fc.record({ locationId: fc.option(fc.string({ maxLength: 8 })), inventoryAvailabilityDate: date, estimatedShipmentDate: date });
    const context = fc.dictionary(fc.constantFrom('trigger', 'actor', 'reason', 'note'), fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxKeys: 3 });
    fc.assert(
      fc.property(placement, placement, fc.constantFrom(...STATUS_REASONS), fc.integer({ min: 1, max: 99 }), fc.option(fc.integer({ min: 0 })), context, (before, after, to, quantity, backorderedAt, ctx) => {
        const line: OrderLine = { ...held, ...before, quantity, backorderedAt };
        const events = [redateLine(line, after, AT, ctx)?.event];
        const moved = moveLine(line, to, AT, { placement: after, context: ctx });
        if (moved.ok) events.push(moved.change.event);
        for (const e of events) {
          if (e === undefined) continue;
          const { text, sameOrder } = roundTrip({ ...e.data });
          expect(text.startsWith('[')).toBe(true);
          expect(sameOrder).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
