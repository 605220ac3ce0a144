import { describe, expect, it } from 'vitest';
import { placementOf } from './placement.ts';

describe('placementOf (SPEC section 2: availability date = promised date, shipment = + handling days)', () => {
  it('dates a promise from today', () => {
    expect(placementOf('2028-06-01', { locationId: 'EAST', handlingDays: 1, day: 3 })).toEqual({
      locationId: 'EAST',
      inventoryAvailabilityDate: '2028-06-04',
      estimatedShipmentDate: '2028-06-05',
    });
    expect(placementOf('2028-06-30', { locationId: 'WEST', handlingDays: 2, day: 0 })).toEqual({
      locationId: 'WEST',
      inventoryAvailabilityDate: '2028-06-30',
      estimatedShipmentDate: '2028-07-02',
    });
  });

  it('a line promised nowhere has null location and dates', () => {
    expect(placementOf('2028-06-01', null)).toEqual({ locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null });
  });
});
