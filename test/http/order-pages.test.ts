/**
 * A page of `GET /api/orders` carries every line of its orders, so it is bounded by lines as well as by orders: it
 * ends before the order that would take it past 5,000 lines (one order at least), and the cursor goes on from
 * there. Orders of 500 lines (the most an order takes) at ?limit=500 came back as one answer of every line before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { SCENARIO_SETTINGS, T0, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts, walk } from '../fixtures/seed.ts';

const ORDERS = 12;
const LINES = 500;

describe.each(DATABASE_KINDS)('pages of orders on %s', (kind) => {
  let t: TestService;
  const placed: any[] = [];

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1 } });
    await seedProducts(t, { 'BIG-1': {} });
    await seedOnHand(t, [['BIG-1', 'EAST', 1_000_000]]);
    await patchSettings(t, SCENARIO_SETTINGS);
    for (let i = 0; i < ORDERS; i++) placed.push(await placeOrder(t, `big-${i}`, Array.from({ length: LINES }, () => ['BIG-1', 1] as const)));
  });
  afterAll(async () => t?.close());

  it('ends a page before the order that would take it past 5,000 lines, and the next page goes on from there', async () => {
    const first = await t.api('GET', '/api/orders?limit=500');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(10);
    expect(first.body.items.flatMap((o: any) => o.lines)).toHaveLength(5_000);
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const all = await walk(t, '/api/orders', 500);
    expect(all.pages).toBe(2);
    expect(all.items.map((o) => o.id)).toEqual(placed.map((o) => o.id).reverse());
    for (const o of all.items) expect(o.lines).toHaveLength(LINES);
    // Small pages are cut by their limit as before.
    expect((await walk(t, '/api/orders', 5)).pages).toBe(3);
  });
});
