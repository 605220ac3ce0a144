import { describe, expect, it } from 'vitest';
import { linePayload, pingPayload } from './payload.ts';
import type { EventForPayload } from './payload.ts';

const event = (over: Partial<EventForPayload> = {}): EventForPayload => ({
  eventId: 42,
  type: 'line.backordered',
  to: 'BackorderHold',
  at: Date.parse('2028-06-01T09:00:00Z'),
  data: {
    locationId: 'EAST',
    inventoryAvailabilityDate: '2028-06-05',
    estimatedShipmentDate: '2028-06-06',
    quantity: 3,
    launchDate: null,
    backorderedAt: Date.parse('2028-06-01T09:00:00Z'),
    version: 1,
    trigger: 'intake',
  },
  line: { id: 'lin_1', orderId: 'ord_1', lineNumber: 2, sku: 'KB-1' },
  order: { externalId: 'EXT-1', customerId: 'C-1' },
  ...over,
});

describe('webhook payloads (SPEC section 7)', () => {
  it('carries the line as it was after the event, with its order ids, and nothing else', () => {
    expect(linePayload(event())).toEqual({
      id: '42',
      type: 'line.backordered',
      occurredAt: '2028-06-01T09:00:00.000Z',
      data: {
        id: 'lin_1',
        orderId: 'ord_1',
        lineNumber: 2,
        sku: 'KB-1',
        quantity: 3,
        locationId: 'EAST',
        state: 'OnHold',
        statusReason: 'BackorderHold',
        inventoryAvailabilityDate: '2028-06-05',
        estimatedShipmentDate: '2028-06-06',
        launchDate: null,
        backorderedAt: '2028-06-01T09:00:00.000Z',
        version: 1,
        externalId: 'EXT-1',
        customerId: 'C-1',
      },
    });
  });

  it('adds the previous location and dates to line.promise_changed only', () => {
    const changed = linePayload(
      event({ type: 'line.promise_changed', data: { ...event().data, previous: { locationId: 'WEST', inventoryAvailabilityDate: '2028-06-09', estimatedShipmentDate: '2028-06-11' } } }),
    );
    expect(changed.data.previous).toEqual({ locationId: 'WEST', inventoryAvailabilityDate: '2028-06-09', estimatedShipmentDate: '2028-06-11' });
    expect(linePayload(event())).not.toHaveProperty('data.previous');
  });

  it('derives the state from the status reason the event moved to', () => {
    expect(linePayload(event({ type: 'line.shipped', to: 'Shipped' })).data.state).toBe('Fulfilled');
    expect(linePayload(event({ type: 'line.canceled', to: 'OutOfStock' })).data.state).toBe('Canceled');
    expect(linePayload(event({ type: 'line.released', to: 'AwaitingFulfillment' })).data.state).toBe('InFulfillment');
  });

  it('a ping names its delivery and subscription', () => {
    expect(pingPayload(7, Date.parse('2028-06-01T00:00:00Z'), 'erp')).toEqual({ id: 'ping_7', type: 'ping', occurredAt: '2028-06-01T00:00:00.000Z', data: { webhookId: 'erp' } });
  });
});
