/**
 * Stock (SPEC section 1 and 7): bulk on-hand, adjustments (all or nothing, never below zero nor above 10^12),
 * available = onHand - reserved, and a count below reserved recorded as a shortage, where no new reservation is
 * made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { SCENARIO_SETTINGS, T0, expectProblem, expectStatus, patchSettings, placeOrder, seedLocations, seedProducts, stockRow, tableCount } from '../fixtures/seed.ts';

const BILLION = 1_000_000_000;
const MAX_ON_HAND = 1_000_000_000_000;

describe.each(DATABASE_KINDS)('inventory on %s', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1 }, WEST: { priority: 2 } });
    await seedProducts(t, { 'IV-1': {}, 'IV-2': {}, 'SH-7': { allowBackorder: false }, 'EMPTY-1': {} });
    await patchSettings(t, SCENARIO_SETTINGS);
  });
  afterAll(async () => t?.close());

  const inventory = async (sku: string) => {
    const r = await t.api('GET', `/api/inventory/${sku}`);
    expectStatus(r, 200);
    return r.body;
  };

  it('sets on-hand in bulk and shows every location with reserved, available and shortage', async () => {
    const r = await t.api('PUT', '/api/inventory/on-hand', [
      { sku: 'IV-1', locationId: 'EAST', onHand: 10 },
      { sku: 'IV-1', locationId: 'WEST', onHand: 4 },
    ]);
    expectStatus(r, 200);
    expect(r.body).toEqual({ count: 2 });
    const inv = await inventory('IV-1');
    expect(inv.sku).toBe('IV-1');
    expect(inv.locations).toHaveLength(2);
    expect(inv.locations).toEqual(
      expect.arrayContaining([
        { locationId: 'EAST', onHand: 10, reserved: 0, available: 10, shortage: 0 },
        { locationId: 'WEST', onHand: 4, reserved: 0, available: 4, shortage: 0 },
      ]),
    );
    // A second count replaces the first, and only for the rows it names.
    expectStatus(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'IV-1', locationId: 'EAST', onHand: 7 }]), 200);
    expect(await stockRow(t, 'IV-1', 'EAST')).toMatchObject({ onHand: 7 });
    expect(await stockRow(t, 'IV-1', 'WEST')).toMatchObject({ onHand: 4 });
    // A sku without stock rows has none listed.
    expect((await inventory('EMPTY-1')).locations).toEqual([]);
  });

  it('applies adjustments, and refuses a batch whose delta would take on-hand below zero, naming the row', async () => {
    expectStatus(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'IV-1', locationId: 'EAST', onHand: 7 }, { sku: 'IV-1', locationId: 'WEST', onHand: 4 }]), 200);
    const ok = await t.api('POST', '/api/inventory/adjustments', [
      { sku: 'IV-1', locationId: 'EAST', delta: 2, reference: 'RCPT-1' },
      { sku: 'IV-1', locationId: 'WEST', delta: -1, reference: 'DAMAGED' },
    ]);
    expectStatus(ok, [200, 201]);
    expect(await stockRow(t, 'IV-1', 'EAST')).toMatchObject({ onHand: 9, available: 9 });
    expect(await stockRow(t, 'IV-1', 'WEST')).toMatchObject({ onHand: 3, available: 3 });

    const bad = await t.api('POST', '/api/inventory/adjustments', [
      { sku: 'IV-1', locationId: 'EAST', delta: 5, reference: 'would apply' },
      { sku: 'IV-1', locationId: 'WEST', delta: -4, reference: 'below zero' },
    ]);
    expectProblem(bad, 400, '/1/delta');
    expect(await stockRow(t, 'IV-1', 'EAST')).toMatchObject({ onHand: 9 });
    expect(await stockRow(t, 'IV-1', 'WEST')).toMatchObject({ onHand: 3 });

    // A negative delta where there is no stock row at all is below zero too.
    expectProblem(await t.api('POST', '/api/inventory/adjustments', [{ sku: 'IV-2', locationId: 'WEST', delta: -1 }]), 400, '/0/delta');
    expect(await stockRow(t, 'IV-2', 'WEST')).toBeUndefined();
  });

  it('refuses unknown skus and locations and bad counts, naming the row, with nothing written', async () => {
    expectProblem(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'IV-1', locationId: 'EAST', onHand: 1 }, { sku: 'NOPE-1', locationId: 'EAST', onHand: 1 }]), 400, '/1/sku');
    expectProblem(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'IV-1', locationId: 'MOON', onHand: 1 }]), 400, '/0/locationId');
    expectProblem(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'IV-1', locationId: 'EAST', onHand: -1 }]), 400, '/0/onHand');
    expectProblem(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'IV-1', locationId: 'EAST', onHand: 'ten' }]), 400, '/0/onHand');
    expectProblem(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'IV-1', locationId: 'EAST', onHand: 2.5 }]), 400, '/0/onHand');
    expectProblem(await t.api('POST', '/api/inventory/adjustments', [{ sku: 'NOPE-1', locationId: 'EAST', delta: 1 }]), 400, '/0/sku');
    expectProblem(await t.api('POST', '/api/inventory/adjustments', [{ sku: 'IV-1', locationId: 'EAST', delta: 1.5 }]), 400, '/0/delta');
    expect(await stockRow(t, 'IV-1', 'EAST')).toMatchObject({ onHand: 9 });
    expectProblem(await t.api('GET', '/api/inventory/NOPE-1'), 404);
  });

  it('reserves what it releases: available = onHand - reserved', async () => {
    expectStatus(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'IV-2', locationId: 'EAST', onHand: 5 }]), 200);
    await placeOrder(t, 'inv-reserve-1', [['IV-2', 3]]);
    expect(await stockRow(t, 'IV-2', 'EAST')).toEqual({ locationId: 'EAST', onHand: 5, reserved: 3, available: 2, shortage: 0 });
    // A raised count leaves the reservation alone.
    expectStatus(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'IV-2', locationId: 'EAST', onHand: 8 }]), 200);
    expect(await stockRow(t, 'IV-2', 'EAST')).toEqual({ locationId: 'EAST', onHand: 8, reserved: 3, available: 5, shortage: 0 });
  });

  it('records a count below reserved as a shortage and makes no new reservation there until it is covered', async () => {
    expectStatus(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'SH-7', locationId: 'EAST', onHand: 3 }]), 200);
    const s = await placeOrder(t, 'short-S', [['SH-7', 3]]);
    expect(s.lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST' });

    expectStatus(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'SH-7', locationId: 'EAST', onHand: 1 }]), 200);
    expect(await stockRow(t, 'SH-7', 'EAST')).toEqual({ locationId: 'EAST', onHand: 1, reserved: 3, available: -2, shortage: 2 });

    // SH-7 disallows backorders, so a line that is not released is OutOfStock.
    const refused = await placeOrder(t, 'short-1', [['SH-7', 1]]);
    expect(refused.lines[0]).toMatchObject({ statusReason: 'OutOfStock', locationId: null });
    expect(await stockRow(t, 'SH-7', 'EAST')).toMatchObject({ reserved: 3 });

    // Another location with stock takes it.
    expectStatus(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'SH-7', locationId: 'WEST', onHand: 1 }]), 200);
    const west = await placeOrder(t, 'short-2', [['SH-7', 1]]);
    expect(west.lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'WEST' });

    // +2 covers the shortage exactly: available 0, still nothing to reserve at EAST.
    expectStatus(await t.api('POST', '/api/inventory/adjustments', [{ sku: 'SH-7', locationId: 'EAST', delta: 2 }]), [200, 201]);
    expect(await stockRow(t, 'SH-7', 'EAST')).toEqual({ locationId: 'EAST', onHand: 3, reserved: 3, available: 0, shortage: 0 });
    expect((await placeOrder(t, 'short-3', [['SH-7', 1]])).lines[0].statusReason).toBe('OutOfStock');

    // One more unit is available: released at EAST.
    expectStatus(await t.api('POST', '/api/inventory/adjustments', [{ sku: 'SH-7', locationId: 'EAST', delta: 1 }]), [200, 201]);
    const east = await placeOrder(t, 'short-4', [['SH-7', 1]]);
    expect(east.lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST' });
    expect(await stockRow(t, 'SH-7', 'EAST')).toEqual({ locationId: 'EAST', onHand: 4, reserved: 4, available: 0, shortage: 0 });
  });
  it('adjusts on-hand up to 10^12 and refuses a delta past it with a 400 naming the row, writing nothing', async () => {
    await seedProducts(t, { 'BIG-9': {} });
    expectStatus(await t.api('PUT', '/api/inventory/on-hand', [{ sku: 'BIG-9', locationId: 'EAST', onHand: BILLION }]), 200);
    const add = (delta: number, n = 1, sku = 'BIG-9') => t.api('POST', '/api/inventory/adjustments', Array.from({ length: n }, (_, i) => ({ sku, locationId: 'EAST', delta, reference: `big-${i}` })));
    // Past what a 32-bit column holds, one request at a time, then up to the limit in one request.
    for (let i = 0; i < 3; i++) expectStatus(await add(BILLION), [200, 201]);
    expect(await stockRow(t, 'BIG-9', 'EAST')).toMatchObject({ onHand: 4 * BILLION, available: 4 * BILLION });
    expectStatus(await add(BILLION, 996), [200, 201]);
    expect(await stockRow(t, 'BIG-9', 'EAST')).toEqual({ locationId: 'EAST', onHand: MAX_ON_HAND, reserved: 0, available: MAX_ON_HAND, shortage: 0 });

    const stockRows = await tableCount(t, 'stock');
    for (const delta of [1, BILLION, 999_999_999_999]) expectProblem(await add(delta), 400, '/0/delta');
    // The row past the limit fails the request: the row before it is not applied either.
    await seedProducts(t, { 'BIG-8': {} });
    const mixed = await t.api('POST', '/api/inventory/adjustments', [
      { sku: 'BIG-8', locationId: 'EAST', delta: 5, reference: 'would apply' },
      { sku: 'BIG-9', locationId: 'EAST', delta: 1, reference: 'too much' },
    ]);
    expectProblem(mixed, 400, '/1/delta');
    expect(await stockRow(t, 'BIG-9', 'EAST')).toMatchObject({ onHand: MAX_ON_HAND });
    expect(await stockRow(t, 'BIG-8', 'EAST')).toBeUndefined();
    expect(await tableCount(t, 'stock')).toBe(stockRows);

    // Intake still works against such a count, and a decrease is taken.
    const o = await placeOrder(t, 'big-order', [['BIG-9', 3]]);
    expect(o.lines[0]).toMatchObject({ statusReason: 'AwaitingFulfillment', locationId: 'EAST' });
    expectStatus(await add(-BILLION), [200, 201]);
    expect(await stockRow(t, 'BIG-9', 'EAST')).toEqual({ locationId: 'EAST', onHand: MAX_ON_HAND - BILLION, reserved: 3, available: MAX_ON_HAND - BILLION - 3, shortage: 0 });
  });
});
