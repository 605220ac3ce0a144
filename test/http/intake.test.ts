/**
 * Order intake (SPEC sections 2 and 3): preorders, backorders with schedule-derived dates, out of stock,
 * "intake never re-dates anyone", step 4a (one location for the whole order) and the answer's shape.
 *
 * Worked examples by hand: today is 2028-06-01 (day 0, UTC); EAST has priority 1 and 1 handling day, WEST
 * priority 2 and 2 handling days; H = 90 with the schedule on (the last day counted is 2028-08-30).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import {
  SCENARIO_SETTINGS,
  T0,
  TODAY,
  addDays,
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

const lineNo = (order: any, n: number) => order.lines.find((l: any) => l.lineNumber === n);
const sameInstant = (a: string | null, b: string) => a !== null && Date.parse(a) === Date.parse(b);

describe.each(DATABASE_KINDS)('order intake on %s', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1, handlingDays: 1 }, WEST: { priority: 2, handlingDays: 2 } });
    await patchSettings(t, SCENARIO_SETTINGS);
  });
  afterAll(async () => t?.close());

  /** Runs `fn` with some settings changed, restoring them afterwards. */
  async function withSettings(patch: Record<string, unknown>, restore: Record<string, unknown>, fn: () => Promise<void>) {
    await patchSettings(t, patch);
    try {
      await fn();
    } finally {
      await patchSettings(t, restore);
    }
  }

  it('answers 201 with the order and every line field, reserves what it released and writes one event per line', async () => {
    await seedProducts(t, { 'KB-1': {} });
    await seedOnHand(t, [['KB-1', 'EAST', 12]]);
    const body = { externalId: 'shape-A', channel: 'web', customerId: 'cust-A', priority: 3, shipTo: { country: 'US', region: 'NY', postalCode: '10001' }, lines: [{ sku: 'KB-1', quantity: 2 }] };
    const r = await t.api('POST', '/api/orders', body);
    expectStatus(r, 201);
    const o = r.body;
    expect(o).toMatchObject({ externalId: 'shape-A', channel: 'web', customerId: 'cust-A', priority: 3, shipTo: body.shipTo, status: 'InFulfillment' });
    expect(typeof o.id).toBe('string');
    expect(sameInstant(o.orderedAt, T0)).toBe(true);
    expect(o.lines).toHaveLength(1);
    expect(o.lines[0]).toEqual({
      id: expect.any(String),
      orderId: o.id,
      lineNumber: 1,
      sku: 'KB-1',
      quantity: 2,
      locationId: 'EAST',
      state: 'InFulfillment',
      statusReason: 'AwaitingFulfillment',
      inventoryAvailabilityDate: TODAY,
      estimatedShipmentDate: addDays(TODAY, 1),
      launchDate: null,
      backorderedAt: null,
      version: expect.any(Number),
    });
    expect(await getOrder(t, o.id)).toEqual(o);
    expect(await stockRow(t, 'KB-1', 'EAST')).toEqual({ locationId: 'EAST', onHand: 12, reserved: 2, available: 10, shortage: 0 });

    const ev = await t.api('GET', `/api/orders/${o.id}/events`);
    expectStatus(ev, 200);
    expect(ev.body.items).toHaveLength(1);
    expect(ev.body.items[0]).toMatchObject({ lineId: o.lines[0].id, type: 'line.released', from: 'New', to: 'AwaitingFulfillment' });
    expect(sameInstant(ev.body.items[0].at, T0)).toBe(true);
  });

  it('accepts 500 lines and a JSON content type with a charset', async () => {
    await seedProducts(t, { 'BIG-500': {} });
    await seedOnHand(t, [['BIG-500', 'EAST', 500]]);
    const r = await t.api('POST', '/api/orders', undefined, {
      raw: JSON.stringify({ externalId: 'lines-500', lines: Array.from({ length: 500 }, () => ({ sku: 'BIG-500', quantity: 1 })) }),
      contentType: 'application/json; charset=utf-8',
    });
    expectStatus(r, 201);
    expect(r.body.lines).toHaveLength(500);
    expect(r.body.lines.map((l: any) => l.lineNumber)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(r.body.lines.every((l: any) => l.statusReason === 'AwaitingFulfillment' && l.locationId === 'EAST')).toBe(true);
    expect(await stockRow(t, 'BIG-500', 'EAST')).toMatchObject({ reserved: 500, available: 0 });
  });

  it('defaults channel and priority, numbers lines by position and honours explicit line numbers', async () => {
    await seedProducts(t, { 'LN-1': {}, 'LN-2': {} });
    await seedOnHand(t, [['LN-2', 'EAST', 50]]);
    const o = await placeOrder(t, 'defaults-1', [['LN-2', 1], ['LN-2', 2], ['LN-2', 3]]);
    expect(o).toMatchObject({ channel: 'default', priority: 0, customerId: null });
    expect(Object.keys(o.shipTo).sort()).toEqual(['country', 'postalCode', 'region']);
    expect(o.lines.map((l: any) => [l.lineNumber, l.quantity])).toEqual([[1, 1], [2, 2], [3, 3]]);

    // Step 4b goes in lineNumber order, not request order: line 5 (sent second) takes the only unit at EAST and
    // line 10 is held (no supply anywhere within the horizon, so no dates and no location).
    await seedOnHand(t, [['LN-1', 'EAST', 1]]);
    const r = await t.api('POST', '/api/orders', {
      externalId: 'numbers-1',
      lines: [
        { sku: 'LN-1', quantity: 1, lineNumber: 10 },
        { sku: 'LN-1', quantity: 1, lineNumber: 5 },
      ],
    });
    expectStatus(r, 201);
    expect(r.body.lines.map((l: any) => l.lineNumber).sort((a: number, b: number) => a - b)).toEqual([5, 10]);
    expect(lineNo(r.body, 5)).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST' });
    expect(lineNo(r.body, 10)).toMatchObject({ statusReason: 'BackorderHold', locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null });
    expect(r.body.status).toBe('OnHold');
  });

  describe('preorders', () => {
    it('holds a line of an unlaunched product with its launch date and the earliest dates not before launch', async () => {
      await seedProducts(t, {
        'VR-9': { preorderEligible: true, launchDate: '2028-06-10' },
        'VR-8': { preorderEligible: true, launchDate: '2028-06-05' },
        'VR-7': { preorderEligible: true, launchDate: '2028-06-10' },
      });
      await seedSchedules(t, [
        { sku: 'VR-9', locationId: 'EAST', date: '2028-06-08', quantity: 4, reference: 'PO-VR9' },
        { sku: 'VR-9', locationId: 'WEST', date: '2028-06-20', quantity: 1, reference: 'PO-VR9-W' },
        { sku: 'VR-8', locationId: 'WEST', date: '2028-06-12', quantity: 3, reference: 'PO-VR8' },
      ]);
      await seedOnHand(t, [['VR-7', 'EAST', 5]]);

      // VR-9 x2: EAST has 4 from 06-08 (day 7), but never before launch (06-10, day 9) -> EAST 06-10 / 06-11.
      const c1 = await placeOrder(t, 'pre-C1', [['VR-9', 2]]);
      expect(c1.lines[0]).toMatchObject({
        state: 'OnHold',
        statusReason: 'PreorderHold',
        launchDate: '2028-06-10',
        locationId: 'EAST',
        inventoryAvailabilityDate: '2028-06-10',
        estimatedShipmentDate: '2028-06-11',
        backorderedAt: null,
      });
      expect(c1.status).toBe('OnHold');

      // Preorder lines one by one, each counting the ones before: line 1 (x2) takes EAST's other 2 at day 9;
      // line 2 (x1) finds nothing left at EAST and WEST's +1 on 06-20 -> WEST 06-20 / 06-22 (2 handling days).
      const c2 = await placeOrder(t, 'pre-C2', [['VR-9', 2], ['VR-9', 1]]);
      expect(lineNo(c2, 1)).toMatchObject({ statusReason: 'PreorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-10', estimatedShipmentDate: '2028-06-11' });
      expect(lineNo(c2, 2)).toMatchObject({ statusReason: 'PreorderHold', locationId: 'WEST', inventoryAvailabilityDate: '2028-06-20', estimatedShipmentDate: '2028-06-22' });

      // VR-8 launches 06-05 but its only supply lands at WEST on 06-12: the date is the supply's, after launch.
      const c3 = await placeOrder(t, 'pre-C3', [['VR-8', 3]]);
      expect(c3.lines[0]).toMatchObject({ statusReason: 'PreorderHold', launchDate: '2028-06-05', locationId: 'WEST', inventoryAvailabilityDate: '2028-06-12', estimatedShipmentDate: '2028-06-14' });

      // VR-7 has 5 on hand now: the preorder line is promised at launch and nothing is reserved.
      const c4 = await placeOrder(t, 'pre-C4', [['VR-7', 1]]);
      expect(c4.lines[0]).toMatchObject({ statusReason: 'PreorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-10', estimatedShipmentDate: '2028-06-11' });
      expect(await stockRow(t, 'VR-7', 'EAST')).toMatchObject({ onHand: 5, reserved: 0, available: 5 });

      const ev = await t.api('GET', `/api/orders/${c1.id}/events`);
      expect(ev.body.items).toHaveLength(1);
      expect(ev.body.items[0]).toMatchObject({ type: 'line.preordered', from: 'New', to: 'PreorderHold' });
    });

    it('with the schedule setting off stamps the launch date but gives no dates and no location', async () => {
      await seedProducts(t, { 'VR-6': { preorderEligible: true, launchDate: '2028-06-10' } });
      await seedOnHand(t, [['VR-6', 'EAST', 5]]);
      await seedSchedules(t, [{ sku: 'VR-6', locationId: 'EAST', date: '2028-06-08', quantity: 3 }]);
      await withSettings({ onHandChangeSchedule: false }, { onHandChangeSchedule: true }, async () => {
        const o = await placeOrder(t, 'pre-off', [['VR-6', 2]]);
        expect(o.lines[0]).toMatchObject({
          state: 'OnHold',
          statusReason: 'PreorderHold',
          launchDate: '2028-06-10',
          locationId: null,
          inventoryAvailabilityDate: null,
          estimatedShipmentDate: null,
        });
      });
      expect(await stockRow(t, 'VR-6', 'EAST')).toMatchObject({ reserved: 0 });
    });

    it('treats a product launching today as launched', async () => {
      await seedProducts(t, { 'VR-5': { preorderEligible: true, launchDate: TODAY } });
      await seedOnHand(t, [['VR-5', 'EAST', 1]]);
      const o = await placeOrder(t, 'pre-today', [['VR-5', 1]]);
      expect(o.lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST', inventoryAvailabilityDate: TODAY });
    });
  });

  describe('backorders', () => {
    it('dates a backordered line from the schedule, counting only entries after today within the horizon', async () => {
      await seedProducts(t, { 'MS-2': {} });
      await seedOnHand(t, [['MS-2', 'EAST', 1], ['MS-2', 'WEST', 0]]);
      await seedSchedules(t, [
        { sku: 'MS-2', locationId: 'EAST', date: '2028-06-05', quantity: 5, reference: 'PO-day4' },
        { sku: 'MS-2', locationId: 'EAST', date: TODAY, quantity: 10, reference: 'today: not counted' },
        { sku: 'MS-2', locationId: 'EAST', date: '2028-05-20', quantity: 10, reference: 'past: not counted' },
        { sku: 'MS-2', locationId: 'EAST', date: '2028-08-31', quantity: 10, reference: 'day 91: not counted' },
        { sku: 'MS-2', locationId: 'WEST', date: '2028-06-03', quantity: 2, reference: 'too few' },
      ]);
      // ATP(0): EAST 1, WEST 0 < 3. EAST: P(0..3) = 1, P(4..90) = 6 -> day 4 = 06-05; WEST reaches only 2.
      const b = await placeOrder(t, 'bo-B', [['MS-2', 3]]);
      expect(b.lines[0]).toMatchObject({
        state: 'OnHold',
        statusReason: 'BackorderHold',
        locationId: 'EAST',
        inventoryAvailabilityDate: '2028-06-05',
        estimatedShipmentDate: '2028-06-06',
        launchDate: null,
      });
      expect(sameInstant(b.lines[0].backorderedAt, T0)).toBe(true);
      expect(b.status).toBe('OnHold');
      expect(await stockRow(t, 'MS-2', 'EAST')).toMatchObject({ onHand: 1, reserved: 0 });
      const ev = await t.api('GET', `/api/orders/${b.id}/events`);
      expect(ev.body.items).toHaveLength(1);
      expect(ev.body.items[0]).toMatchObject({ type: 'line.backordered', from: 'New', to: 'BackorderHold' });
      // Instants on the wire are ISO-8601 UTC, in an event's data as on the line (stored as epoch milliseconds).
      expect(ev.body.items[0].data.backorderedAt).toBe(b.lines[0].backorderedAt);
      expect(ev.body.items[0].data.backorderedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('counts the last day of the horizon and not the day after it', async () => {
      await seedProducts(t, { 'HZ-1': {} });
      await seedSchedules(t, [
        { sku: 'HZ-1', locationId: 'EAST', date: '2028-08-30', quantity: 10 }, // day 90
        { sku: 'HZ-1', locationId: 'WEST', date: '2028-08-31', quantity: 10 }, // day 91
      ]);
      const a = await placeOrder(t, 'hz-a', [['HZ-1', 5]]);
      expect(a.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-08-30', estimatedShipmentDate: '2028-08-31' });
      // EAST has 5 left on day 90 and WEST's receipt lies outside: promised nowhere.
      const b = await placeOrder(t, 'hz-b', [['HZ-1', 6]]);
      expect(b.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null });
      expect(sameInstant(b.lines[0].backorderedAt, T0)).toBe(true);
    });

    it('with the schedule setting off (H = 0) holds the same order with null dates', async () => {
      await seedProducts(t, { 'MS-3': {} });
      await seedOnHand(t, [['MS-3', 'EAST', 1]]);
      await seedSchedules(t, [{ sku: 'MS-3', locationId: 'EAST', date: '2028-06-05', quantity: 5 }]);
      const on = await placeOrder(t, 'bo-on', [['MS-3', 3]]);
      expect(on.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05' });
      await withSettings({ onHandChangeSchedule: false }, { onHandChangeSchedule: true }, async () => {
        const off = await placeOrder(t, 'bo-off', [['MS-3', 3]]);
        expect(off.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null });
        expect(sameInstant(off.lines[0].backorderedAt, T0)).toBe(true);
        // With H = 0 only promises dated today or earlier count: bo-on's promise (06-05) does not, so the unit
        // on hand is released.
        const one = await placeOrder(t, 'bo-off-1', [['MS-3', 1]]);
        expect(one.lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST', inventoryAvailabilityDate: TODAY, estimatedShipmentDate: addDays(TODAY, 1) });
      });
    });
  });

  describe('out of stock', () => {
    it('cancels a line it cannot fulfil when backorders are off, even with supply scheduled', async () => {
      await seedProducts(t, { 'OS-3': {}, 'OS-4': {} });
      await seedSchedules(t, [{ sku: 'OS-4', locationId: 'EAST', date: '2028-06-05', quantity: 5 }]);
      await withSettings({ backorders: false }, { backorders: true }, async () => {
        for (const [ext, sku] of [['oos-E', 'OS-3'], ['oos-E2', 'OS-4']] as const) {
          const o = await placeOrder(t, ext, [[sku, 1]]);
          expect(o.lines[0]).toMatchObject({ state: 'Canceled', statusReason: 'OutOfStock', locationId: null, inventoryAvailabilityDate: null, estimatedShipmentDate: null, backorderedAt: null });
          expect(o.status).toBe('Canceled');
          const ev = await t.api('GET', `/api/orders/${o.id}/events`);
          expect(ev.body.items.map((e: any) => [e.from, e.to])).toEqual([['New', 'OutOfStock']]);
        }
      });
    });

    it('cancels a line of a product that disallows backorders, and releases it when there is stock', async () => {
      await seedProducts(t, { 'NB-4': { allowBackorder: false }, 'NB-5': { allowBackorder: false }, 'KB-4': {} });
      await seedSchedules(t, [{ sku: 'NB-4', locationId: 'EAST', date: '2028-06-03', quantity: 5 }]);
      await seedOnHand(t, [['NB-5', 'WEST', 1], ['KB-4', 'EAST', 3]]);
      const g = await placeOrder(t, 'oos-G', [['NB-4', 1]]);
      expect(g.lines[0]).toMatchObject({ state: 'Canceled', statusReason: 'OutOfStock', locationId: null, inventoryAvailabilityDate: null });
      expect(g.status).toBe('Canceled');
      const ok = await placeOrder(t, 'oos-G2', [['NB-5', 1]]);
      expect(ok.lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'WEST', estimatedShipmentDate: addDays(TODAY, 2) });
      // One line released, one out of stock: not all canceled, none held -> InFulfillment.
      const mixed = await placeOrder(t, 'oos-G3', [['KB-4', 1], ['NB-4', 1]]);
      expect(mixed.lines.map((l: any) => l.statusReason)).toEqual(['AwaitingFulfillment', 'OutOfStock']);
      expect(mixed.status).toBe('InFulfillment');
    });
  });

  describe('intake never re-dates anyone', () => {
    it('places a new line after the held lines of its sku, whatever its priority', async () => {
      await seedProducts(t, { 'PR-5': {} });
      await seedSchedules(t, [
        { sku: 'PR-5', locationId: 'EAST', date: '2028-06-03', quantity: 2 },
        { sku: 'PR-5', locationId: 'EAST', date: '2028-06-05', quantity: 2 },
      ]);
      // P1 takes day 2 (06-03); P2 (priority 9) comes after it: P(2..3) = 0, P(4..) = 2 -> 06-05.
      const p1 = await placeOrder(t, 'redate-P1', [['PR-5', 2]], { priority: 0 });
      const p2 = await placeOrder(t, 'redate-P2', [['PR-5', 2]], { priority: 9 });
      expect(p1.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-03', estimatedShipmentDate: '2028-06-04' });
      expect(p2.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-05', estimatedShipmentDate: '2028-06-06' });
      expect(await getOrder(t, p1.id)).toEqual(p1);
      const ev = await t.api('GET', `/api/orders/${p1.id}/events`);
      expect(ev.body.items).toHaveLength(1);
    });

    it('never releases to a new line the stock a held line is promised, even at a higher priority', async () => {
      await seedProducts(t, { 'HD-1': {} });
      const [entry] = await seedSchedules(t, [{ sku: 'HD-1', locationId: 'EAST', date: '2028-06-03', quantity: 3 }]);
      const held = await placeOrder(t, 'hd-held', [['HD-1', 3]], { priority: 0 });
      expect(held.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: 'EAST', inventoryAvailabilityDate: '2028-06-03' });
      // The receipt arrives early: it is booked on hand and leaves the schedule (no job runs: onSupplyChange off).
      await seedOnHand(t, [['HD-1', 'EAST', 3]]);
      expectStatus(await t.api('DELETE', `/api/inventory/schedules/${entry.id}`), 200);
      // EAST: P(0..1) = 3, P(2..) = 3 - 3 = 0, so ATP(0) = 0: the 3 on hand are the held line's.
      const atp = await t.api('GET', '/api/atp?sku=HD-1&locationId=EAST&quantity=1');
      expectStatus(atp, 200);
      expect(atp.body.days[0]).toMatchObject({ date: TODAY, atp: 0 });
      const newcomer = await placeOrder(t, 'hd-new', [['HD-1', 1]], { priority: 9 });
      expect(newcomer.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: null, inventoryAvailabilityDate: null });
      expect(await stockRow(t, 'HD-1', 'EAST')).toMatchObject({ onHand: 3, reserved: 0 });
      expect(await getOrder(t, held.id)).toEqual(held);
    });
  });

  describe('location choice', () => {
    it('step 4a: one location covering the whole order wins over line by line', async () => {
      await seedProducts(t, { 'PN-3': {}, 'PQ-4': {}, 'PN-5': {}, 'PN-6': {}, 'PQ-6': {}, 'PN-7': {} });
      await seedOnHand(t, [
        ['PN-3', 'EAST', 1], ['PN-3', 'WEST', 1], ['PQ-4', 'WEST', 1],
        ['PN-5', 'EAST', 1], ['PN-5', 'WEST', 2],
        ['PN-6', 'EAST', 1], ['PQ-6', 'WEST', 1],
        ['PN-7', 'EAST', 5], ['PN-7', 'WEST', 5],
      ]);
      // WEST covers both lines; line by line PN-3 would have gone to EAST, the first location.
      const k = await placeOrder(t, '4a-K', [['PN-3', 1], ['PQ-4', 1]]);
      for (const n of [1, 2]) {
        expect(lineNo(k, n)).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'WEST', inventoryAvailabilityDate: TODAY, estimatedShipmentDate: addDays(TODAY, 2) });
      }
      expect(await stockRow(t, 'PN-3', 'EAST')).toMatchObject({ reserved: 0 });
      expect(await stockRow(t, 'PN-3', 'WEST')).toMatchObject({ reserved: 1 });
      // Lines of the same sku add up: EAST's 1 cannot cover 1 + 1, WEST's 2 can.
      const k2 = await placeOrder(t, '4a-K2', [['PN-5', 1], ['PN-5', 1]]);
      expect(k2.lines.map((l: any) => l.locationId)).toEqual(['WEST', 'WEST']);
      // No single location covers PN-6 + PQ-6: line by line, each at its first candidate with stock.
      const k3 = await placeOrder(t, '4b-K3', [['PN-6', 1], ['PQ-6', 1]]);
      expect(lineNo(k3, 1)).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST', estimatedShipmentDate: addDays(TODAY, 1) });
      expect(lineNo(k3, 2)).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'WEST', estimatedShipmentDate: addDays(TODAY, 2) });
      // Both cover: the first in location order.
      const k4 = await placeOrder(t, '4a-K4', [['PN-7', 2]]);
      expect(k4.lines[0].locationId).toBe('EAST');
      // Neither covers 1 + 1 of PN-8: line 1 takes EAST's unit, line 2 counts it as taken and goes to WEST.
      await seedProducts(t, { 'PN-8': {} });
      await seedOnHand(t, [['PN-8', 'EAST', 1], ['PN-8', 'WEST', 1]]);
      const k5 = await placeOrder(t, '4b-K5', [['PN-8', 1], ['PN-8', 1]]);
      expect(k5.lines.map((l: any) => [l.statusReason, l.locationId])).toEqual([['AwaitingFulfillment', 'EAST'], ['AwaitingFulfillment', 'WEST']]);
    });

    it('takes candidates in location order (priority, then id by code point) and never an inactive location', async () => {
      await seedLocations(t, { 'TIE-b': { priority: 7 }, 'TIE-A': { priority: 7 }, NORTH: { priority: 0, active: false } });
      await seedProducts(t, { 'PT-1': {}, 'PI-1': {} });
      await seedOnHand(t, [['PT-1', 'TIE-b', 1], ['PT-1', 'TIE-A', 1], ['PI-1', 'NORTH', 5]]);
      const o = await placeOrder(t, 'tie-1', [['PT-1', 1]]);
      expect(o.lines[0].locationId).toBe('TIE-A');
      const n = await placeOrder(t, 'inactive-1', [['PI-1', 1]]);
      expect(n.lines[0]).toMatchObject({ statusReason: 'BackorderHold', locationId: null });
      expect(await stockRow(t, 'PI-1', 'NORTH')).toMatchObject({ reserved: 0 });
    });
  });

  it('refuses an order naming an unknown sku without writing anything', async () => {
    await seedProducts(t, { 'KB-5': {} });
    await seedOnHand(t, [['KB-5', 'EAST', 5]]);
    const r = await t.api('POST', '/api/orders', { externalId: 'unknown-sku', lines: [{ sku: 'KB-5', quantity: 1 }, { sku: 'ZZ-404', quantity: 1 }] });
    expectProblem(r, '4xx', '/lines/1/sku');
    expect(await stockRow(t, 'KB-5', 'EAST')).toMatchObject({ reserved: 0 });
    const list = await t.api('GET', '/api/order-lines?sku=KB-5');
    expect(list.body.items).toHaveLength(0);
  });
});
