import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moveLine, redateLine, samePlacement, UNPLACED } from './order-line.ts';
import type { LinePlacement, OrderLine } from './order-line.ts';
import { STATUS_REASONS } from './line-status.ts';
import type { StatusReason } from './line-status.ts';

const AT = Date.parse('2028-06-01T10:00:00Z');
const line = (over: Partial<OrderLine> = {}): OrderLine => ({
  id: 'line_1',
  orderId: 'ord_1',
  lineNumber: 1,
  sku: 'KB-1',
  quantity: 2,
  locationId: null,
  statusReason: 'New',
  inventoryAvailabilityDate: null,
  estimatedShipmentDate: null,
  launchDate: null,
  backorderedAt: null,
  version: 1,
  ...over,
});
const east: LinePlacement = { locationId: 'EAST', inventoryAvailabilityDate: '2028-06-01', estimatedShipmentDate: '2028-06-02' };
const released = line({ statusReason: 'AwaitingFulfillment', ...east, version: 2 });

function moved(l: OrderLine, to: StatusReason, options?: Parameters<typeof moveLine>[3]) {
  const r = moveLine(l, to, AT, options);
  if (!r.ok) throw new Error(`refused ${l.statusReason} -> ${to}`);
  return r.change;
}

describe('moveLine', () => {
  it('refuses a move the state machine does not allow, as a value', () => {
    expect(moveLine(line({ statusReason: 'Shipped' }), 'CanceledByRequest', AT)).toEqual({ ok: false, reason: 'not-allowed', from: 'Shipped', to: 'CanceledByRequest' });
    expect(moveLine(line({ statusReason: 'BackorderHold' }), 'OutOfStock', AT).ok).toBe(false);
    expect(moveLine(line(), 'Shipped', AT).ok).toBe(false);
  });

  it('releases with the placement given, bumps the version and yields a line.released event', () => {
    const c = moved(line(), 'AwaitingFulfillment', { placement: east, context: { runId: 'r1' } });
    expect(c.before).toEqual(line());
    expect(c.after).toEqual({ ...line(), statusReason: 'AwaitingFulfillment', ...east, version: 2 });
    expect(c.event).toEqual({
      lineId: 'line_1',
      orderId: 'ord_1',
      type: 'line.released',
      from: 'New',
      to: 'AwaitingFulfillment',
      at: AT,
      data: { ...east, quantity: 2, launchDate: null, backorderedAt: null, version: 2, runId: 'r1' },
    });
  });

  it('a canceled released line keeps the location it was reserved at and loses its dates', () => {
    const c = moved(released, 'CanceledByRequest', { placement: { locationId: 'WEST', inventoryAvailabilityDate: '2028-06-09', estimatedShipmentDate: '2028-06-10' } });
    expect(c.after).toEqual({ ...released, statusReason: 'CanceledByRequest', locationId: 'EAST', inventoryAvailabilityDate: null, estimatedShipmentDate: null, version: 3 });
    expect(c.event.type).toBe('line.canceled');
  });

  it.each(['PreorderHold', 'BackorderHold'] as const)('a canceled %s line (promised, never reserved) has no location and no dates', (from) => {
    const c = moved(line({ statusReason: from, ...east }), 'CanceledByRequest');
    expect(c.after.locationId).toBeNull();
    expect(c.after.inventoryAvailabilityDate).toBeNull();
    expect(c.after.estimatedShipmentDate).toBeNull();
  });

  it('SLA expiry and out of stock also cancel to no location and no dates', () => {
    const held = line({ statusReason: 'BackorderHold', ...east, backorderedAt: 5 });
    expect(moved(held, 'BackorderSlaExpired').after).toEqual({ ...held, statusReason: 'BackorderSlaExpired', ...UNPLACED, version: 2 });
    expect(moved(line(), 'OutOfStock', { placement: east }).after).toEqual({ ...line(), statusReason: 'OutOfStock', ...UNPLACED, version: 2 });
  });

  it('keeps backorderedAt and launchDate unless the move sets them', () => {
    const pre = line({ statusReason: 'PreorderHold', launchDate: '2028-06-10', ...east });
    const toBo = moved(pre, 'BackorderHold', { placement: east, backorderedAt: AT });
    expect(toBo.after.launchDate).toBe('2028-06-10');
    expect(toBo.after.backorderedAt).toBe(AT);
    expect(toBo.event.type).toBe('line.backordered');
    const rel = moved(toBo.after, 'AwaitingFulfillment', { placement: east });
    expect(rel.after.backorderedAt).toBe(AT);
    const preordered = moved(line(), 'PreorderHold', { launchDate: '2028-07-01', placement: UNPLACED });
    expect(preordered.after.launchDate).toBe('2028-07-01');
    expect(preordered.event.type).toBe('line.preordered');
  });

  it('shipping keeps the location and dates the released line carries', () => {
    const c = moved(released, 'Shipped');
    expect(c.after).toEqual({ ...released, statusReason: 'Shipped', version: 3 });
    expect(c.event.type).toBe('line.shipped');
  });

  it('on any allowed move: version + 1, event from/to/at match, the input is not mutated', () => {
    const arbLine = fc.record({
      statusReason: fc.constantFrom(...STATUS_REASONS),
      locationId: fc.option(fc.constantFrom('EAST', 'WEST'), { nil: null }),
      version: fc.integer({ min: 1, max: 100 }),
    });
    fc.assert(
      fc.property(arbLine, fc.constantFrom(...STATUS_REASONS), (over, to) => {
        const l = line(over);
        const copy = structuredClone(l);
        const r = moveLine(l, to, AT);
        expect(l).toEqual(copy);
        if (!r.ok) return;
        expect(r.change.after.version).toBe(l.version + 1);
        expect(r.change.after.statusReason).toBe(to);
        expect(r.change.event).toMatchObject({ lineId: l.id, orderId: l.orderId, from: l.statusReason, to, at: AT });
        const canceled = to === 'CanceledByRequest' || to === 'BackorderSlaExpired' || to === 'OutOfStock';
        if (canceled) {
          expect(r.change.after.locationId).toBe(l.statusReason === 'AwaitingFulfillment' ? l.locationId : null);
          expect(r.change.after.inventoryAvailabilityDate).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('redateLine', () => {
  const heldLine = line({ statusReason: 'BackorderHold', ...east, backorderedAt: 7, version: 4 });

  it('is null when location and dates are unchanged', () => {
    expect(redateLine(heldLine, { ...east }, AT)).toBeNull();
    expect(redateLine(line({ statusReason: 'BackorderHold' }), UNPLACED, AT)).toBeNull();
  });

  it('writes the new placement, bumps the version and yields line.promise_changed with old and new values', () => {
    const next: LinePlacement = { locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05', estimatedShipmentDate: '2028-06-06' };
    const c = redateLine(heldLine, next, AT, { runId: 'r9' });
    expect(c?.before).toBe(heldLine);
    expect(c?.after).toEqual({ ...heldLine, ...next, version: 5 });
    expect(c?.event).toEqual({
      lineId: heldLine.id,
      orderId: heldLine.orderId,
      type: 'line.promise_changed',
      from: 'BackorderHold',
      to: 'BackorderHold',
      at: AT,
      data: { ...next, quantity: heldLine.quantity, launchDate: null, backorderedAt: 7, version: 5, previous: east, runId: 'r9' },
    });
  });

  it('a change of location alone, or of one date alone, is a change; losing the promise too', () => {
    expect(redateLine(heldLine, { ...east, locationId: 'WEST' }, AT)).not.toBeNull();
    expect(redateLine(heldLine, { ...east, estimatedShipmentDate: '2028-06-03' }, AT)).not.toBeNull();
    expect(redateLine(heldLine, UNPLACED, AT)?.after).toEqual({ ...heldLine, ...UNPLACED, version: 5 });
  });

  it('takes only the placement fields of what it is given', () => {
    const c = redateLine(heldLine, { ...released, inventoryAvailabilityDate: '2028-06-04' } as LinePlacement, AT);
    expect(c?.after.statusReason).toBe('BackorderHold');
    expect(c?.after.version).toBe(5);
    expect(samePlacement(c!.after, { ...east, inventoryAvailabilityDate: '2028-06-04' })).toBe(true);
  });
});
