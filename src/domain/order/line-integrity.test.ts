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

  it('names held lines whose dates and location disagree, once each, from the fields they have', () => {
    const rule = '(a held line has a location and both dates, or none of them)';
    const detail = (d: Partial<typeof held>) => lineProblems({ ...held, ...d });
    expect(detail({ estimatedShipmentDate: null })).toEqual([{ kind: 'held_dates', detail: `BackorderHold with location EAST and availability date ${held.inventoryAvailabilityDate} but no shipment date ${rule}` }]);
    expect(detail({ locationId: null })).toEqual([
      { kind: 'held_dates', detail: `BackorderHold with availability date ${held.inventoryAvailabilityDate} and shipment date ${held.estimatedShipmentDate} but no location ${rule}` },
    ]);
    expect(detail({ inventoryAvailabilityDate: null })).toEqual([{ kind: 'held_dates', detail: `BackorderHold with location EAST and shipment date ${held.estimatedShipmentDate} but no availability date ${rule}` }]);
    expect(detail({ inventoryAvailabilityDate: null, estimatedShipmentDate: null })).toEqual([{ kind: 'held_dates', detail: `BackorderHold with location EAST but no availability date and no shipment date ${rule}` }]);
    expect(detail({ locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null })).toEqual([]);
  });
});
