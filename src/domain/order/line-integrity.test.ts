import { describe, expect, it } from 'vitest';
import { lineProblems } from './line-integrity.ts';
import type { LineFields } from './line-integrity.ts';

const held: LineFields = { statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05', estimatedShipmentDate: '2028-06-06', launchDate: null, backorderedAt: 1 };

describe('lineProblems', () => {
  it('accepts the lines every state may have', () => {
    expect(lineProblems(held)).toEqual([]);
    expect(lineProblems({ ...held, locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null })).toEqual([]);
    expect(lineProblems({ ...held, statusReason: 'PreorderHold', launchDate: '2028-06-05', backorderedAt: null })).toEqual([]);
    expect(lineProblems({ ...held, statusReason: 'AwaitingFulfillment' })).toEqual([]);
    expect(lineProblems({ ...held, statusReason: 'Shipped' })).toEqual([]);
    expect(lineProblems({ ...held, statusReason: 'CanceledByRequest', inventoryAvailabilityDate: null, estimatedShipmentDate: null })).toEqual([]);
    expect(lineProblems({ ...held, statusReason: 'OutOfStock', locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null })).toEqual([]);
  });

  it('names each impossible state', () => {
    expect(lineProblems({ ...held, statusReason: 'Lost' }).map((p) => p.kind)).toEqual(['invalid_status']);
    expect(lineProblems({ ...held, statusReason: 'New' }).map((p) => p.kind)).toEqual(['invalid_state']);
    expect(lineProblems({ ...held, statusReason: 'AwaitingFulfillment', locationId: null })[0]!.detail).toMatch(/without the location/);
    expect(lineProblems({ ...held, statusReason: 'Shipped', locationId: null })[0]!.kind).toBe('invalid_state');
    expect(lineProblems({ ...held, statusReason: 'BackorderSlaExpired' })[0]!.detail).toMatch(/still dated/);
    expect(lineProblems({ ...held, backorderedAt: null })[0]!.detail).toMatch(/backorderedAt/);
    expect(lineProblems({ ...held, statusReason: 'PreorderHold', backorderedAt: null })[0]!.detail).toMatch(/launch date/);
  });

  it('names held lines whose dates and location disagree', () => {
    expect(lineProblems({ ...held, estimatedShipmentDate: null })).toEqual([{ kind: 'held_dates', detail: 'BackorderHold with an availability date but no shipment date' }]);
    expect(lineProblems({ ...held, locationId: null })).toEqual([{ kind: 'held_dates', detail: 'BackorderHold with dates but no location' }]);
    expect(lineProblems({ ...held, inventoryAvailabilityDate: null, estimatedShipmentDate: null })).toEqual([{ kind: 'held_dates', detail: 'BackorderHold with location EAST but no dates' }]);
  });
});
