/**
 * Lists (SPEC section 7): `{ items, nextCursor }`, newest first where time orders them, `?limit=` (default 50)
 * and `?cursor=`; walking with limit=1 gives every item once, in the same order as one big page; filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../fixtures/databases.ts';
import { startTestService } from '../fixtures/test-service.ts';
import type { TestService } from '../fixtures/test-service.ts';
import { SCENARIO_SETTINGS, T0, expectStatus, patchSettings, placeOrder, seedLocations, seedOnHand, seedProducts, seedSchedules, walk } from '../fixtures/seed.ts';

const minute = (i: number) => new Date(Date.parse(T0) + i * 60_000).toISOString();
const ids = (items: any[]) => items.map((x) => x.id);

describe.each(DATABASE_KINDS)('lists on %s', (kind) => {
  let t: TestService;
  /** Orders in creation order, one minute apart. */
  const orders: any[] = [];

  beforeAll(async () => {
    t = await startTestService(kind, { now: T0 });
    await seedLocations(t, { EAST: { priority: 1 }, WEST: { priority: 2 }, SOUTH: { priority: 3 }, NORTH: { priority: 3 }, DEPOT: { priority: 0, active: false } });
    await seedProducts(t, { 'L-A': {}, 'L-B': {}, 'L-C': { preorderEligible: true, launchDate: '2028-06-20' }, 'L-D': { preorderEligible: true, launchDate: '2028-07-01' } });
    await seedOnHand(t, [['L-A', 'EAST', 100]]);
    await patchSettings(t, SCENARIO_SETTINGS);
    // L-A is released, L-B (no supply) backordered with null dates, L-C preordered.
    const plan: [string, number][][] = [
      [['L-A', 1]],
      [['L-B', 1]],
      [['L-A', 2], ['L-B', 1]],
      [['L-C', 1]],
      [['L-A', 1], ['L-C', 2], ['L-B', 3]],
      [['L-A', 4]],
      [['L-B', 2], ['L-B', 1]],
    ];
    for (const [i, lines] of plan.entries()) {
      await t.setClock(minute(i + 1));
      orders.push(await placeOrder(t, `list-${i + 1}`, lines));
    }
  });
  afterAll(async () => t?.close());

  it('lists orders newest first, and limit=1 pages give every order once in the same order', async () => {
    const full = await walk(t, '/api/orders', 500);
    expect(full.pages).toBe(1);
    expect(ids(full.items)).toEqual(ids(orders).reverse());
    expect(full.items[0]).toEqual(orders.at(-1));
    const times = full.items.map((o) => Date.parse(o.orderedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    for (const limit of [1, 2, 3]) {
      const paged = await walk(t, '/api/orders', limit);
      expect(ids(paged.items), `limit ${limit}`).toEqual(ids(full.items));
      expect(paged.pages).toBe(Math.ceil(orders.length / limit));
    }
  });

  it('lists order lines newest first, every line once, page by page', async () => {
    const full = await walk(t, '/api/order-lines', 500);
    const all = orders.flatMap((o) => o.lines);
    expect(full.items).toHaveLength(all.length);
    expect(new Set(ids(full.items))).toEqual(new Set(ids(all)));
    // Newest first by the order's time: order 7's lines come before order 6's, and so on.
    const orderIndex = (l: any) => orders.findIndex((o) => o.id === l.orderId);
    const seq = full.items.map(orderIndex);
    expect(seq).toEqual([...seq].sort((a, b) => b - a));
    const paged = await walk(t, '/api/order-lines', 1);
    expect(ids(paged.items)).toEqual(ids(full.items));
  });

  it('filters orders and lines by status reason, sku and order', async () => {
    const byReason = (await walk(t, '/api/orders?statusReason=BackorderHold', 500)).items;
    const withHeld = orders.filter((o) => o.lines.some((l: any) => l.statusReason === 'BackorderHold'));
    expect(ids(byReason)).toEqual(ids(withHeld).reverse());
    expect(withHeld).toHaveLength(4);

    const bySku = (await walk(t, '/api/orders?sku=L-C', 1)).items;
    expect(ids(bySku)).toEqual([orders[4].id, orders[3].id]);

    const heldLines = (await walk(t, '/api/order-lines?statusReason=BackorderHold', 1)).items;
    const expectedHeld = orders.flatMap((o) => o.lines).filter((l: any) => l.statusReason === 'BackorderHold');
    expect(expectedHeld).toHaveLength(5);
    expect(new Set(ids(heldLines))).toEqual(new Set(ids(expectedHeld)));
    expect(heldLines.every((l) => l.sku === 'L-B' && l.statusReason === 'BackorderHold')).toBe(true);

    const released = (await walk(t, '/api/order-lines?sku=L-A&statusReason=AwaitingFulfillment', 500)).items;
    expect(released.map((l) => l.quantity).sort((a, b) => a - b)).toEqual([1, 1, 2, 4]);

    const ofOne = (await walk(t, `/api/order-lines?orderId=${orders[4].id}`, 1)).items;
    expect(new Set(ids(ofOne))).toEqual(new Set(ids(orders[4].lines)));

    expect((await walk(t, '/api/order-lines?sku=L-D', 500)).items).toEqual([]);
    expect((await walk(t, '/api/orders?statusReason=Shipped', 500)).items).toEqual([]);
  });

  it('names lines by their order externalId and line number, in the order asked, leaving unknown ids out', async () => {
    const [a, b] = [orders[2].lines[1], orders[4].lines[2]];
    const r = await t.api('GET', `/api/line-labels?ids=${b.id},no-such-line,${a.id},${b.id}`);
    expectStatus(r, 200);
    expect(r.body.items).toEqual([
      { lineId: b.id, orderId: orders[4].id, externalId: 'list-5', lineNumber: 3 },
      { lineId: a.id, orderId: orders[2].id, externalId: 'list-3', lineNumber: 2 },
    ]);
    const hundred = Array.from({ length: 100 }, (_, i) => orders[i % orders.length].lines[0].id);
    expect((await t.api('GET', `/api/line-labels?ids=${hundred.join(',')}`)).body.items).toHaveLength(orders.length);
    for (const bad of ['', ',', `${a.id},`, `${a.id},,${b.id}`, 'a b', [...hundred, a.id].join(',')]) {
      const refused = await t.api('GET', `/api/line-labels?ids=${encodeURIComponent(bad)}`);
      expectStatus(refused, 400);
      expect(refused.body.detail, bad).toContain('query parameter ids must be a comma-separated list of 1 to 100 line ids');
    }
    expectStatus(await t.api('GET', '/api/line-labels'), 400);
  });

  it('pages an order history oldest first', async () => {
    const o = orders[4];
    expectStatus(await t.api('POST', `/api/orders/${o.id}/lines/1/cancel`), 200);
    expectStatus(await t.api('POST', `/api/orders/${o.id}/cancel`), 200);
    // 3 intake moves, 1 line cancel, then the order cancel of the 2 held lines.
    const full = await walk(t, `/api/orders/${o.id}/events`, 500);
    expect(full.items).toHaveLength(6);
    const eventIds = full.items.map((e) => e.id);
    expect(eventIds).toEqual([...eventIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(full.items.slice(0, 3).every((e) => e.from === 'New')).toBe(true);
    expect(full.items.slice(3).every((e) => e.to === 'CanceledByRequest')).toBe(true);
    const paged = await walk(t, `/api/orders/${o.id}/events`, 1);
    expect(paged.items).toEqual(full.items);
  });

  it('pages schedules, locations and products, every item once', async () => {
    await seedSchedules(t, [
      { sku: 'L-A', locationId: 'EAST', date: '2028-06-05', quantity: 5 },
      { sku: 'L-B', locationId: 'WEST', date: '2028-06-03', quantity: 1 },
      { sku: 'L-B', locationId: 'EAST', date: '2028-06-03', quantity: 2 },
      { sku: 'L-C', locationId: 'EAST', date: '2028-07-01', quantity: 3 },
      { sku: 'L-B', locationId: 'SOUTH', date: '2028-06-10', quantity: -1 },
    ]);
    for (const [url, n] of [['/api/inventory/schedules', 5], ['/api/inventory/schedules?sku=L-B', 3], ['/api/locations', 5], ['/api/products', 4], ['/api/products?preorderEligible=true', 2], ['/api/products?preorderEligible=false', 2]] as const) {
      const full = await walk(t, url, 500);
      expect(full.items, url).toHaveLength(n);
      const paged = await walk(t, url, 1);
      expect(paged.items, url).toEqual(full.items);
      expect(new Set(paged.items.map((x) => x.id ?? x.sku)).size, url).toBe(n);
    }
    expect((await walk(t, '/api/inventory/schedules?sku=L-B', 1)).items.every((e) => e.sku === 'L-B')).toBe(true);
    expect((await walk(t, '/api/products?preorderEligible=true', 1)).items.map((p) => p.sku).sort()).toEqual(['L-C', 'L-D']);
  });

  it('pages through orders placed at the same instant, every one once', async () => {
    await t.setClock(minute(30));
    const same = [];
    for (let i = 0; i < 5; i++) same.push(await placeOrder(t, `same-${i}`, [['L-A', 1], ['L-B', 1]]));
    const full = await walk(t, '/api/orders', 500);
    expect(ids(full.items.slice(0, 5)).sort()).toEqual(ids(same).sort());
    for (const limit of [1, 2]) {
      expect(ids((await walk(t, '/api/orders', limit)).items), `orders, limit ${limit}`).toEqual(ids(full.items));
      const lines = await walk(t, '/api/order-lines', 500);
      expect(ids((await walk(t, '/api/order-lines', limit)).items), `lines, limit ${limit}`).toEqual(ids(lines.items));
    }
  });

  it('answers 50 items by default', async () => {
    for (let i = 0; i < 52; i++) expectStatus(await t.api('PUT', `/api/products/BULK-${String(i).padStart(2, '0')}`, { name: `Bulk ${i}` }), [200, 201]);
    const first = await t.api('GET', '/api/products');
    expectStatus(first, 200);
    expect(first.body.items).toHaveLength(50);
    expect(typeof first.body.nextCursor).toBe('string');
    const rest = await t.api('GET', `/api/products?cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(rest.body.items).toHaveLength(56 - 50);
    expect(rest.body.nextCursor).toBeNull();
  });
});
