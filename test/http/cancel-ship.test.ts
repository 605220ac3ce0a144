/**
 * Cancel by request and shipment confirmation (SPEC sections 1 and 7): reservations released or shipped, the
 * canceled line keeps its location and loses its dates, refused moves are a 409 and write no event, unknown
 * orders, lines and line numbers are a 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import {
  SCENARIO_SETTINGS,
  T0,
  expectProblem,
  expectStatus,
  getOrder,
  patchSettings,
  placeOrder,
  seedLocations,
  seedOnHand,
  seedProducts,
  seedSchedules,
  stockRow,
} from '../fixtures/seed.ts';

describe.each(DATABASE_KINDS)('cancel and ship on %s', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 }, WEST: { priority: 2, handlingDays: 2 } });
    await seedProducts(t, { 'KB-1': {}, 'MS-2': {}, 'VR-9': { preorderEligible: true, launchDate: '2028-06-10' }, 'OS-3': { allowBackorder: false } });
    await seedOnHand(t, [['KB-1', 'EAST', 20]]);
    await seedSchedules(t, [
      { sku: 'MS-2', locationId: 'EAST', date: '2028-06-05', quantity: 10 },
      { sku: 'VR-9', locationId: 'EAST', date: '2028-06-08', quantity: 10 },
    ]);
    await patchSettings(t, SCENARIO_SETTINGS);
  });
  afterAll(async () => t?.close());

  const events = async (orderId: string): Promise<any[]> => {
    const r = await t.api('GET', `/api/orders/${orderId}/events?limit=500`);
    expectStatus(r, 200);
    return r.body.items;
  };

  describe('cancel', () => {
    it('a line cancel releases its reservation, keeps the location, drops the dates and writes one event', async () => {
      const d = await placeOrder(t, 'cancel-D', [['KB-1', 1], ['KB-1', 2]]);
      expect(d.lines.map((l: any) => l.statusReason)).toEqual(['AwaitingFulfillment', 'AwaitingFulfillment']);
      const kb0 = await stockRow(t, 'KB-1', 'EAST');
      const ev0 = await events(d.id);

      const r = await t.api('POST', `/api/orders/${d.id}/lines/2/cancel`);
      expectStatus(r, 200);
      expect(r.body.id).toBe(d.id);
      const l2 = r.body.lines.find((l: any) => l.lineNumber === 2);
      const l1 = r.body.lines.find((l: any) => l.lineNumber === 1);
      expect(l2).toMatchObject({ state: 'Canceled', statusReason: 'CanceledByRequest', locationId: 'EAST', inventoryAvailabilityDate: null, estimatedShipmentDate: null });
      expect(l1).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST' });
      expect(r.body.status).toBe('InFulfillment');
      expect(await getOrder(t, d.id)).toEqual(r.body);

      const kb1 = await stockRow(t, 'KB-1', 'EAST');
      expect(kb1).toMatchObject({ onHand: kb0!.onHand, reserved: kb0!.reserved - 2, available: kb0!.available + 2 });

      const ev1 = await events(d.id);
      expect(ev1).toHaveLength(ev0.length + 1);
      expect(ev1.at(-1)).toMatchObject({ lineId: l2.id, type: 'line.canceled', from: 'AwaitingFulfillment', to: 'CanceledByRequest' });
    });

    it('an order cancel cancels every line that may still be canceled, then answers 409 with nothing written', async () => {
      // Line 1 released (KB-1), line 2 backordered (MS-2, promised at EAST 06-05), line 3 preordered, line 4
      // out of stock (OS-3 disallows backorders): the cancel moves lines 1-3 and leaves line 4 as it is.
      const o = await placeOrder(t, 'cancel-O', [['KB-1', 3], ['MS-2', 2], ['VR-9', 1], ['OS-3', 1]]);
      expect(o.lines.map((l: any) => l.statusReason)).toEqual(['AwaitingFulfillment', 'BackorderHold', 'PreorderHold', 'OutOfStock']);
      expect(o.lines[1]).toMatchObject({ locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05' });
      const kb0 = await stockRow(t, 'KB-1', 'EAST');
      const ev0 = await events(o.id);
      expect(ev0).toHaveLength(4);

      const r = await t.api('POST', `/api/orders/${o.id}/cancel`);
      expectStatus(r, 200);
      expect(r.body.lines.map((l: any) => l.statusReason)).toEqual(['CanceledByRequest', 'CanceledByRequest', 'CanceledByRequest', 'OutOfStock']);
      expect(r.body.status).toBe('Canceled');
      // Only a reserved line keeps its location; held lines were promised there, never reserved.
      expect(r.body.lines.map((l: any) => l.locationId)).toEqual(['EAST', null, null, null]);
      for (const l of r.body.lines) expect([l.inventoryAvailabilityDate, l.estimatedShipmentDate]).toEqual([null, null]);
      expect(await stockRow(t, 'KB-1', 'EAST')).toMatchObject({ onHand: kb0!.onHand, reserved: kb0!.reserved - 3 });

      const ev1 = await events(o.id);
      expect(ev1).toHaveLength(7);
      expect(ev1.slice(4).map((e: any) => [e.from, e.to])).toEqual(
        expect.arrayContaining([
          ['AwaitingFulfillment', 'CanceledByRequest'],
          ['BackorderHold', 'CanceledByRequest'],
          ['PreorderHold', 'CanceledByRequest'],
        ]),
      );

      const kb1 = await stockRow(t, 'KB-1', 'EAST');
      expectProblem(await t.api('POST', `/api/orders/${o.id}/cancel`), 409);
      for (const n of [1, 2, 3, 4]) expectProblem(await t.api('POST', `/api/orders/${o.id}/lines/${n}/cancel`), 409);
      expect(await events(o.id)).toHaveLength(7);
      expect(await stockRow(t, 'KB-1', 'EAST')).toEqual(kb1);
      expect(await getOrder(t, o.id)).toEqual(r.body);
    });

    it('an order cancel after a shipment cancels the rest; the order is Fulfilled', async () => {
      const m = await placeOrder(t, 'cancel-M', [['KB-1', 1], ['KB-1', 1]]);
      expectStatus(await t.api('POST', `/api/fulfillment/lines/${m.lines[0].id}/ship`), 200);
      const r = await t.api('POST', `/api/orders/${m.id}/cancel`);
      expectStatus(r, 200);
      expect(r.body.lines.map((l: any) => l.statusReason)).toEqual(['Shipped', 'CanceledByRequest']);
      expect(r.body.status).toBe('Fulfilled');
      expectProblem(await t.api('POST', `/api/orders/${m.id}/cancel`), 409);
    });

    it('answers 404 for an unknown order or line number', async () => {
      const o = await placeOrder(t, 'cancel-404', [['KB-1', 1]]);
      expectProblem(await t.api('POST', '/api/orders/no-such-order/cancel'), 404);
      expectProblem(await t.api('POST', '/api/orders/no-such-order/lines/1/cancel'), 404);
      expectProblem(await t.api('POST', `/api/orders/${o.id}/lines/2/cancel`), 404);
      expect((await getOrder(t, o.id)).lines[0].statusReason).toBe('AwaitingFulfillment');
      expect(await events(o.id)).toHaveLength(1);
    });
  });

  describe('ship', () => {
    it('ships a released line: on-hand and reserved drop, the line is Shipped, one event', async () => {
      const a = await placeOrder(t, 'ship-A', [['KB-1', 2]]);
      const kb0 = await stockRow(t, 'KB-1', 'EAST');
      const r = await t.api('POST', `/api/fulfillment/lines/${a.lines[0].id}/ship`);
      expectStatus(r, 200);
      expect(r.body).toMatchObject({ id: a.lines[0].id, orderId: a.id, sku: 'KB-1', quantity: 2, locationId: 'EAST', state: 'Fulfilled', statusReason: 'Shipped' });
      expect(await stockRow(t, 'KB-1', 'EAST')).toMatchObject({ onHand: kb0!.onHand - 2, reserved: kb0!.reserved - 2, available: kb0!.available });
      const after = await getOrder(t, a.id);
      expect(after.status).toBe('Fulfilled');
      expect(after.lines[0]).toEqual(r.body);
      const ev = await events(a.id);
      expect(ev).toHaveLength(2);
      expect(ev[1]).toMatchObject({ lineId: a.lines[0].id, type: 'line.shipped', from: 'AwaitingFulfillment', to: 'Shipped' });
    });

    it('refuses to ship a held, preordered, canceled or already shipped line (409) and an unknown line (404)', async () => {
      const o = await placeOrder(t, 'ship-refused', [['KB-1', 1], ['MS-2', 1], ['VR-9', 1], ['KB-1', 1]]);
      expect(o.lines.map((l: any) => l.statusReason)).toEqual(['AwaitingFulfillment', 'BackorderHold', 'PreorderHold', 'AwaitingFulfillment']);
      expectStatus(await t.api('POST', `/api/fulfillment/lines/${o.lines[0].id}/ship`), 200);
      expectStatus(await t.api('POST', `/api/orders/${o.id}/lines/4/cancel`), 200);
      const kb0 = await stockRow(t, 'KB-1', 'EAST');
      const ev0 = await events(o.id);
      for (const l of o.lines) expectProblem(await t.api('POST', `/api/fulfillment/lines/${l.id}/ship`), 409);
      expectProblem(await t.api('POST', '/api/fulfillment/lines/no-such-line/ship'), 404);
      expect(await stockRow(t, 'KB-1', 'EAST')).toEqual(kb0);
      expect(await events(o.id)).toEqual(ev0);
      expect((await getOrder(t, o.id)).lines.map((l: any) => l.statusReason)).toEqual(['Shipped', 'BackorderHold', 'PreorderHold', 'CanceledByRequest']);
    });
  });
});
